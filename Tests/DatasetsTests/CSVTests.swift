import Foundation
import Testing
@testable import Datasets
import Numerics

@Suite("CSV reader")
struct CSVTests {
    func parse(_ s: String) throws -> CSVTable { try CSVReader.parse(Data(s.utf8), file: "t.csv") }

    @Test("Quoted fields, doubled quotes, commas and newlines inside quotes")
    func quoting() throws {
        let t = try parse("name,note,v\n\"Smith, J\",\"said \"\"hi\"\"\",1\n\"multi\nline\",x,2\n")
        #expect(t.header == ["name", "note", "v"])
        #expect(t.records[0] == ["Smith, J", "said \"hi\"", "1"])
        #expect(t.records[1] == ["multi\nline", "x", "2"])
        #expect(t.lines == [2, 3])
    }

    @Test("CRLF line ends and a UTF-8 byte-order mark are accepted")
    func crlfAndBOM() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data("a,b\r\n1,2\r\n3,4\r\n".utf8))
        let t = try CSVReader.parse(data, file: "t.csv")
        #expect(t.header == ["a", "b"])
        #expect(t.records == [["1", "2"], ["3", "4"]])
    }

    @Test("A last line without a newline still counts; blank lines are skipped")
    func lastLine() throws {
        let t = try parse("a,b\n1,2\n\n3,4")
        #expect(t.records == [["1", "2"], ["3", "4"]])
        #expect(t.lines == [2, 4])
    }

    @Test("A ragged row names its file, line and field count")
    func ragged() {
        let e = #expect(throws: CSVError.self) { try parse("a,b,c\n1,2,3\n4,5\n") }
        #expect(e?.file == "t.csv")
        #expect(e?.line == 3)
        #expect(e?.message.contains("2 fields, expected 3") == true)
    }

    @Test("An empty file is an error at line 1")
    func empty() {
        let e = #expect(throws: CSVError.self) { try parse("") }
        #expect(e?.line == 1)
        #expect(e?.description.contains("is empty") == true)
    }

    @Test("A header with no rows is an error")
    func headerOnly() {
        let e = #expect(throws: CSVError.self) { try parse("a,b\n") }
        #expect(e?.message.contains("no data rows") == true)
    }

    @Test("A quote left open names the line where it opened")
    func openQuote() {
        let e = #expect(throws: CSVError.self) { try parse("a,b\n1,\"oops\n2,3\n") }
        #expect(e?.line == 2)
        #expect(e?.column == 2)
        #expect(e?.message.contains("never closed") == true)
    }

    @Test("Bytes that are not UTF-8 name their line")
    func invalidUTF8() {
        var data = Data("a,b\n1,2\n".utf8)
        data.append(contentsOf: [0xFF, 0x2C, 0x33, 0x0A])
        let e = #expect(throws: CSVError.self) { try CSVReader.parse(data, file: "t.csv") }
        #expect(e?.line == 3)
        #expect(e?.message.contains("UTF-8") == true)
    }

    @Test("A directory or a missing path is refused with the path")
    func notAFile() {
        let dir = FileManager.default.temporaryDirectory.path
        let e1 = #expect(throws: CSVError.self) { try CSVReader.read(path: dir, displayName: "data/x") }
        #expect(e1?.message.contains("directory") == true)
        let e2 = #expect(throws: CSVError.self) { try CSVReader.read(path: "/nonexistent/x.csv") }
        #expect(e2?.description.contains("/nonexistent/x.csv") == true)
    }
}

@Suite("From CSV to dataset")
struct DatasetLoaderTests {
    func table(_ s: String) throws -> CSVTable { try CSVReader.parse(Data(s.utf8), file: "d.csv") }

    @Test("Label anywhere, chosen features, classes in sorted order")
    func basic() throws {
        let t = try table("species,a,b,c\nz,1,2,3\ny,4,5,6\nz,7,8,9\n")
        let d = try DatasetLoader.load(table: t, name: "d", title: "D", label: "species", features: ["c", "a"])
        #expect(d.classNames == ["y", "z"])
        #expect(d.y == [1, 0, 1])
        #expect(d.featureNames == ["c", "a"])
        #expect(d.x.row(1) == [6, 4])
    }

    @Test("A non-numeric value names file, line, column and what was expected")
    func nonNumeric() throws {
        let t = try table("a,b,label\n1,2,x\n3,abc,y\n")
        let e = #expect(throws: CSVError.self) {
            try DatasetLoader.load(table: t, name: "d", title: "D", label: "label", features: ["a", "b"])
        }
        #expect(e?.line == 3)
        #expect(e?.column == 2)
        #expect(e?.message.contains("expected a number, found 'abc'") == true)
    }

    @Test("A missing label column lists the columns there are")
    func missingLabel() throws {
        let t = try table("a,b\n1,2\n")
        let e = #expect(throws: CSVError.self) {
            try DatasetLoader.load(table: t, name: "d", title: "D", label: "species", features: nil)
        }
        #expect(e?.message.contains("no label column named 'species'") == true)
        #expect(e?.message.contains("'a', 'b'") == true)
    }

    @Test("An unknown feature column is named")
    func unknownFeature() throws {
        let t = try table("a,b,y\n1,2,p\n")
        let e = #expect(throws: CSVError.self) {
            try DatasetLoader.load(table: t, name: "d", title: "D", label: "y", features: ["a", "nope"])
        }
        #expect(e?.message.contains("no feature column named 'nope'") == true)
    }

    @Test("Rows with missing values in used columns are dropped and counted; unused columns may be text")
    func missingValues() throws {
        let t = try table("y,a,note,b\np,1,hello,2\nq,NA,x,3\nq,4,,\np,5,ok,6\nq,7,z,8\n")
        let d = try DatasetLoader.load(table: t, name: "d", title: "D", label: "y", features: nil)
        #expect(d.featureNames == ["a", "b"])
        #expect(d.count == 3)
        #expect(d.droppedRows == 2)
    }

    @Test("Unlabelled numeric columns load in the order asked, dropping rows with missing values")
    func columns() throws {
        let t = try table("a,b,c\n1,2,3\n4,NA,6\n7,8,9\n")
        let (x, names, dropped) = try DatasetLoader.loadColumns(table: t, columns: ["c", "a"])
        #expect(names == ["c", "a"] && dropped == 0)
        #expect(x == Matrix([[3, 1], [6, 4], [9, 7]]))
        let (x2, _, dropped2) = try DatasetLoader.loadColumns(table: t, columns: ["b"])
        #expect(x2.rows == 2 && dropped2 == 1)
        let e = #expect(throws: CSVError.self) { try DatasetLoader.loadColumns(table: t, columns: ["z"]) }
        #expect(e?.message.contains("no numeric column named 'z'") == true)
    }

    @Test("From bytes: all numeric columns but the label and the excluded ones; errors name file and line")
    func fromBytes() throws {
        let csv = Data("y,a,note,b,c\np,1,hello,2,3\nq,NA,x,3,4\nq,4,w,5,6\np,5,ok,6,7\n".utf8)
        let d = try DatasetLoader.load(csv: csv, file: "d.csv", name: "d", title: "D", label: "y", features: .allNumeric(excluding: ["c"]))
        #expect(d.featureNames == ["a", "b"] && d.count == 3 && d.droppedRows == 1)
        let e = #expect(throws: CSVError.self) {
            try DatasetLoader.load(csv: Data("y,note\np,x\nq,z\n".utf8), file: "w.csv", name: "w", title: "W", label: "y", features: .allNumeric(excluding: []))
        }
        #expect(e?.description.hasPrefix("w.csv:1: has no numeric column besides the label 'y'") == true)
        let missing = #expect(throws: CSVError.self) {
            try DatasetLoader.load(csv: csv, file: "d.csv", name: "d", title: "D", label: "y", features: .allNumeric(excluding: ["nope"]))
        }
        #expect(missing?.message.contains("no excluded column named 'nope'") == true)
        let (x, _, dropped) = try DatasetLoader.loadColumns(csv: csv, file: "d.csv", columns: ["b", "a"])
        #expect(x == Matrix([[2, 1], [5, 4], [6, 5]]) && dropped == 1)
    }

    @Test("A label with one class only names the file and what is needed")
    func oneClass() throws {
        let t = try table("a,b,y\n1,2,p\n3,4,p\n")
        let e = #expect(throws: CSVError.self) { try DatasetLoader.load(table: t, name: "d", title: "D", label: "y", features: nil) }
        #expect(e?.message.contains("holds only one class ('p')") == true)
    }

    @Test("log(1+x) transform is applied and named")
    func log1p() throws {
        let t = try table("a,b,y\n0,1,p\n3,7,q\n")
        let d = try DatasetLoader.load(table: t, name: "d", title: "D", label: "y", features: ["a", "b"], transform: .log1p)
        #expect(d.featureNames == ["log(1+a)", "log(1+b)"])
        #expect(abs(d.x[1, 1] - Foundation.log(8)) < 1e-15)
    }

    @Test("The shipped datasets load with their documented sizes")
    func shipped() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let iris = try DatasetLoader.load(table: CSVReader.read(path: root.appendingPathComponent("data/iris.csv").path),
                                          name: "iris", title: "Iris", label: "species", features: nil)
        #expect(iris.count == 150 && iris.classCounts() == [50, 50, 50])
        let spam = try DatasetLoader.load(table: CSVReader.read(path: root.appendingPathComponent("data/spam7.csv").path),
                                          name: "spam7", title: "Spam", label: "spam", features: ["dollar", "bang"])
        #expect(spam.count == 4601 && spam.classNames == ["ham", "spam"])
    }
}
