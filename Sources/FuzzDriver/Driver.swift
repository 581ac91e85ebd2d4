/// The libFuzzer plumbing every harness shares (built only with `LENSES_FUZZ=1`): a harness's
/// `main` hands its one function to `runFuzzer`, which starts libFuzzer's driver; the
/// conventional entry point `LLVMFuzzerTestOneInput`, which libFuzzer's runtime also refers to,
/// calls the same function.

import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The harness's function; set once, before libFuzzer starts calling it.
nonisolated(unsafe) private var harness: ((UnsafeRawPointer, Int) -> CInt)?

/// Runs libFuzzer over `body`, with the harness's command line. Empty inputs are skipped.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ body: @escaping (UnsafeRawPointer, Int) -> CInt) -> CInt {
    harness = body
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in testOneInput(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0, let harness else { return 0 }
    return harness(UnsafeRawPointer(data), size)
}

/// Runs one input through `body`. A thrown `E` is the expected answer to bad input (`check` may
/// look at it); any other error is a bug, and stops the fuzzer with the input saved.
public func expectOnly<E: Error>(_ type: E.Type, check: (E) -> Void = { _ in }, _ body: () throws -> Void) -> CInt {
    do {
        try body()
    } catch let e as E {
        check(e)
    } catch {
        preconditionFailure("unexpected error type: \(Swift.type(of: error)): \(error)")
    }
    return 0
}

/// The input as UTF-8 text, or nil (such inputs are skipped by the text harnesses).
public func utf8Text(_ start: UnsafeRawPointer, _ count: Int) -> String? {
    String(bytes: UnsafeRawBufferPointer(start: start, count: count), encoding: .utf8)
}
