import Foundation

/// A problem in a CSV file, located to the file, line and column, with what
/// was expected there.
public struct CSVError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let line: Int
    public let column: Int?
    public let message: String

    public init(file: String, line: Int, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        if let column { return "\(file):\(line):\(column): \(message)" }
        return "\(file):\(line): \(message)"
    }
}

/// A parsed CSV file: a header row and string records, each with the line it
/// starts on (1-based, the header is line 1).
public struct CSVTable: Sendable {
    public let file: String
    public let header: [String]
    public let records: [[String]]
    public let lines: [Int]

    public init(file: String, header: [String], records: [[String]], lines: [Int]) {
        self.file = file; self.header = header; self.records = records; self.lines = lines
    }

    /// The index of a header column, or an error that lists the columns there are.
    public func columnIndex(_ name: String, role: String) throws -> Int {
        if let i = header.firstIndex(of: name) { return i }
        let known = header.map { "'\($0)'" }.joined(separator: ", ")
        throw CSVError(file: file, line: 1, "no \(role) column named '\(name)'; the header has \(known)")
    }
}

/// An RFC 4180 reader: comma separated, a header row, fields quoted with `"`
/// (a doubled `""` inside quotes is one quote, and quoted fields may span lines),
/// LF or CRLF line ends, an optional UTF-8 byte-order mark.
public enum CSVReader {
    /// Limits that refuse absurd inputs up front, before they use all memory.
    public static let maxFileBytes = 256 << 20
    public static let maxLineBytes = 1 << 20

    public static func read(path: String, displayName: String? = nil) throws -> CSVTable {
        let name = displayName ?? path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw CSVError(file: name, line: 0, "file not found")
        }
        if isDir.boolValue { throw CSVError(file: name, line: 0, "is a directory, expected a CSV file") }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue, size > maxFileBytes {
            throw CSVError(file: name, line: 0, "is \(size >> 20) MiB; lenses reads CSV files up to \(maxFileBytes >> 20) MiB")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CSVError(file: name, line: 0, "cannot be read (check its permissions)")
        }
        return try parse(data, file: name)
    }

    /// The header row only (for checking column names without reading the data).
    public static func header(path: String, displayName: String? = nil) throws -> [String] {
        let name = displayName ?? path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw CSVError(file: name, line: 0, "file not found")
        }
        if isDir.boolValue { throw CSVError(file: name, line: 0, "is a directory, expected a CSV file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CSVError(file: name, line: 0, "cannot be read (check its permissions)")
        }
        defer { try? handle.close() }
        var head = Data()
        while head.count <= maxLineBytes, let chunk = try? handle.read(upToCount: 4096), !chunk.isEmpty {
            head.append(chunk)
            if let lf = head.firstIndex(of: 0x0A) { head = head.prefix(upTo: lf); break }
        }
        guard !head.isEmpty else { throw CSVError(file: name, line: 1, "is empty; expected a header row and data rows") }
        guard head.count <= maxLineBytes else {
            throw CSVError(file: name, line: 1, "the header line is over \(maxLineBytes >> 20) MiB long (is this really a CSV file?)")
        }
        return try parse(head, file: name, requireRows: false).header
    }

    public static func parse(_ data: Data, file: String) throws -> CSVTable {
        try parse(data, file: file, requireRows: true)
    }

    static func parse(_ data: Data, file: String, requireRows: Bool) throws -> CSVTable {
        guard data.count <= maxFileBytes else {
            throw CSVError(file: file, line: 0, "is \(data.count >> 20) MiB; lenses reads CSV files up to \(maxFileBytes >> 20) MiB")
        }
        var lineStart = 0, lineNumber = 1
        for (i, b) in data.enumerated() where b == 0x0A {
            if i - lineStart > maxLineBytes {
                throw CSVError(file: file, line: lineNumber, "line is \(i - lineStart) bytes long; lines may be at most \(maxLineBytes >> 20) MiB (is this really a CSV file?)")
            }
            lineStart = i + 1; lineNumber += 1
        }
        if data.count - lineStart > maxLineBytes {
            throw CSVError(file: file, line: lineNumber, "line is \(data.count - lineStart) bytes long; lines may be at most \(maxLineBytes >> 20) MiB (is this really a CSV file?)")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            let line = firstInvalidUTF8Line(bytes)
            throw CSVError(file: file, line: line, "is not valid UTF-8 text; save the file as UTF-8")
        }
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

        var records = [[String]](), lines = [Int]()
        var fields = [String](), field = [UInt8]()
        var line = 1, recordLine = 1, fieldStartColumn = 1, column = 1
        var inQuotes = false, wasQuoted = false, quoteLine = 1, quoteColumn = 1
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            // A line with nothing on it is skipped, not a record of one empty field.
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(fields); lines.append(recordLine)
            }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote { field.append(quote); i += 2; column += 2; continue }
                    inQuotes = false
                } else {
                    field.append(b)
                    if b == lf { line += 1; column = 0 }
                }
                i += 1; column += 1
                continue
            }
            switch b {
            case quote:
                if !field.isEmpty || wasQuoted {
                    throw CSVError(file: file, line: line, column: fieldColumnNumber(fields.count),
                                   "a quote inside an unquoted field; quote the whole field and double the inner quotes (\"\")")
                }
                inQuotes = true; wasQuoted = true; quoteLine = line; quoteColumn = column
            case comma:
                endField(); fieldStartColumn = column + 1
            case cr where i + 1 < bytes.count && bytes[i + 1] == lf:
                break  // handled by the LF that follows
            case lf:
                endRecord(); line += 1; recordLine = line; column = 0; fieldStartColumn = 1
            default:
                if wasQuoted {
                    throw CSVError(file: file, line: line, column: fieldColumnNumber(fields.count),
                                   "text after a closing quote; expected a comma or the end of the line")
                }
                field.append(b)
            }
            i += 1; column += 1
        }
        if inQuotes {
            throw CSVError(file: file, line: quoteLine, column: fieldColumnNumber(fields.count),
                           "a quoted field opened at character \(quoteColumn) is never closed; add the closing quote")
        }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        _ = fieldStartColumn

        guard let header = records.first else {
            throw CSVError(file: file, line: 1, "is empty; expected a header row and data rows")
        }
        let body = Array(records.dropFirst()), bodyLines = Array(lines.dropFirst())
        for (k, name) in header.enumerated() where name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw CSVError(file: file, line: 1, column: k + 1, "column \(k + 1) of the header has no name")
        }
        if let dup = firstDuplicate(header) {
            throw CSVError(file: file, line: 1, "the header names column '\(dup)' twice")
        }
        for (r, rec) in body.enumerated() where rec.count != header.count && requireRows {
            throw CSVError(file: file, line: bodyLines[r], column: min(rec.count, header.count) + 1,
                           "row has \(rec.count) fields, expected \(header.count) like the header")
        }
        if body.isEmpty && requireRows { throw CSVError(file: file, line: 2, "has a header but no data rows") }
        return CSVTable(file: file, header: header, records: body, lines: bodyLines)
    }

    /// Columns are reported 1-based by field number, which is what a person counts in a spreadsheet.
    private static func fieldColumnNumber(_ fieldsSoFar: Int) -> Int { fieldsSoFar + 1 }

    private static func firstDuplicate(_ names: [String]) -> String? {
        var seen = Set<String>()
        for n in names { if !seen.insert(n).inserted { return n } }
        return nil
    }

    private static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
        var line = 1, start = 0
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            if String(validating: bytes[start..<i], as: UTF8.self) == nil { return line }
            line += 1; start = i + 1
        }
        return line
    }
}
