import Foundation
import FuzzDriver
import Pipeline

/// lenses.yml loading must never crash: every input is a spec or a ConfigError.
func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let text = utf8Text(start, count) else { return 0 }
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    return expectOnly(ConfigError.self) { _ = try ConfigLoader.parse(text, root: root) }
}

// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver starts from there.
@_cdecl("fuzz_config_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
