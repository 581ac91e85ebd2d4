import Foundation

/// An array of `Double`s that encodes as one block of bytes (IEEE 754 binary64, little-endian)
/// instead of one coded value per element. Property-list and JSON coders handle a single `Data`
/// value almost at memory speed but spend microseconds on each array element, which made
/// reading the build cache the slowest part of a rebuild (bench/RESULTS.md, "The cache").
/// Bit-exact: NaN payloads, signed zeros and infinities survive the round trip.
@propertyWrapper
public struct Packed: Sendable, Equatable, Codable {
    public var wrappedValue: [Double]

    public init(wrappedValue: [Double]) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        let data = try decoder.singleValueContainer().decode(Data.self)
        wrappedValue = try Packed.unpack(data, codingPath: decoder.codingPath)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Packed.pack(wrappedValue))
    }

    public static func pack(_ values: [Double]) -> Data {
        var data = Data(count: values.count * 8)
        data.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 8, as: UInt64.self) }
        }
        return data
    }

    public static func unpack(_ data: Data, codingPath: [CodingKey] = []) throws -> [Double] {
        guard data.count % 8 == 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "packed doubles: \(data.count) bytes is not a multiple of 8"))
        }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
    }
}

/// Rows of `Double`s (one array per class, say), each packed as in `Packed`.
@propertyWrapper
public struct PackedRows: Sendable, Equatable, Codable {
    public var wrappedValue: [[Double]]

    public init(wrappedValue: [[Double]]) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        let blocks = try decoder.singleValueContainer().decode([Data].self)
        wrappedValue = try blocks.map { try Packed.unpack($0, codingPath: decoder.codingPath) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(wrappedValue.map(Packed.pack))
    }
}
