import Foundation
import Testing
@testable import Numerics

@Suite("Packed doubles (the cache's array coding)")
struct PackedTests {
    @Test("Round trip through property lists and JSON is bit-exact, NaN payloads, −0 and infinities included")
    func roundTrip() throws {
        let values: [Double] = [0, -0.0, 1, -1.5, .pi, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                Double(bitPattern: 0x7FF8_0000_0000_1234), 1e-300]
        let m = Matrix(rows: 1, cols: values.count, data: values)
        let plist = PropertyListEncoder()
        plist.outputFormat = .binary
        for data in [try plist.encode(m), try JSONEncoder().encode(m)] {
            let back = try (try? PropertyListDecoder().decode(Matrix.self, from: data)) ?? JSONDecoder().decode(Matrix.self, from: data)
            #expect(back.rows == 1 && back.cols == values.count)
            #expect(back.data.map(\.bitPattern) == values.map(\.bitPattern))
        }
        let rows = PackedRows(wrappedValue: [values, [], [2, 3]])
        let back = try PropertyListDecoder().decode(PackedRows.self, from: try plist.encode(rows))
        #expect(back.wrappedValue.map { $0.map(\.bitPattern) } == rows.wrappedValue.map { $0.map(\.bitPattern) })
    }

    @Test("A matrix whose values do not fit its shape, or a block not a multiple of 8 bytes, is refused")
    func corrupt() throws {
        struct Fake: Encodable { let rows: Int; let cols: Int; let data: Data }
        for fake in [Fake(rows: 2, cols: 2, data: Data(count: 24)), Fake(rows: 1, cols: 1, data: Data(count: 7))] {
            let json = try JSONEncoder().encode(fake)
            #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(Matrix.self, from: json) }
        }
    }
}
