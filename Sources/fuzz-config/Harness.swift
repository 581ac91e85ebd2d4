import Foundation
import Pipeline

/// lenses.yml loading must never crash: every input is a spec or a ConfigError.
func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let text = String(bytes: UnsafeRawBufferPointer(start: start, count: count), encoding: .utf8) else { return 0 }
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    do {
        _ = try ConfigLoader.parse(text, root: root)
    } catch is ConfigError {
    } catch {
        preconditionFailure("unexpected error type: \(type(of: error)): \(error)")
    }
    return 0
}

// SwiftPM links an executable's `main` to `<module>_main`; hand control to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("fuzz_config_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data, size > 0 else { return 0 }
        return fuzz(UnsafeRawPointer(data), size)
    }
}

/// libFuzzer's runtime also refers to the conventional entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    return fuzz(UnsafeRawPointer(data), size)
}
