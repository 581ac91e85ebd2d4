import Foundation
import FuzzDriver
import Site

/// Page rendering (front matter, directives, Markdown, math, link safety) must never
/// crash, and raw HTML must never survive into the output.
func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let text = utf8Text(start, count) else { return 0 }
    return expectOnly(ContentError.self) {
        let doc = try ContentDocument.parse(text, file: "fuzz.md")
        for case .markdown(let md) in doc.blocks {
            let html = MarkdownRenderer.html(md)
            precondition(html.range(of: "<script", options: .caseInsensitive) == nil, "a <script> tag reached the page")
        }
    }
}

// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver starts from there.
@_cdecl("fuzz_page_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
