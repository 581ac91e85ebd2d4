import Datasets
import Foundation

/// The CSV reader and the dataset loader must never crash: every input either
/// parses or throws a CSVError that names a line.
func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    do {
        let table = try CSVReader.parse(data, file: "fuzz.csv")
        if let label = table.header.last {
            _ = try? DatasetLoader.load(table: table, name: "f", title: "f", label: label, features: nil, transform: .log1p)
            _ = try? DatasetLoader.loadColumns(table: table, columns: Array(table.header.prefix(2)))
        }
    } catch let e as CSVError {
        precondition(e.line >= 0, "a CSV error names a line")
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}

// SwiftPM links an executable's `main` to `<module>_main`; hand control to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("fuzz_csv_main")
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
