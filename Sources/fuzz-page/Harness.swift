import Foundation
import Site

/// Page rendering (front matter, directives, Markdown, math, link safety) must never
/// crash, and raw HTML must never survive into the output.
func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let text = String(bytes: UnsafeRawBufferPointer(start: start, count: count), encoding: .utf8) else { return 0 }
    do {
        let doc = try ContentDocument.parse(text, file: "fuzz.md")
        for case .markdown(let md) in doc.blocks {
            let html = MarkdownRenderer.html(md)
            precondition(html.range(of: "<script", options: .caseInsensitive) == nil, "a <script> tag reached the page")
        }
    } catch is ContentError {
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

@_cdecl("fuzz_page_main")
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
