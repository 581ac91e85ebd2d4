import Datasets
import Foundation
import FuzzDriver

/// The CSV reader and the dataset loader must never crash: every input either
/// parses or throws a CSVError that names a line.
func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    return expectOnly(CSVError.self, check: { precondition($0.line >= 0, "a CSV error names a line") }) {
        let table = try CSVReader.parse(data, file: "fuzz.csv")
        if let label = table.header.last {
            _ = try? DatasetLoader.load(table: table, name: "f", title: "f", label: label, features: nil, transform: .log1p)
            _ = try? DatasetLoader.loadColumns(table: table, columns: Array(table.header.prefix(2)))
        }
    }
}

// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver starts from there.
@_cdecl("fuzz_csv_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
