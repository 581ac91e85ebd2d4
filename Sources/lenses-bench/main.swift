// lenses-bench: micro-benchmarks for bench/run (not installed, not a user command).
//
//   lenses-bench png    --project DIR [--reps N] [--out FILE.png]
//   lenses-bench models --project DIR [--dataset NAME] [--reps N]
//   lenses-bench gmm    --project DIR [--reps N]
//   lenses-bench svm    --project DIR [--dataset NAME] [--reps N]
//   lenses-bench figure --project DIR --encoder cairo|default   (one figure, for callgrind)
//   lenses-bench cache  --project DIR        (after a build: the cost of its cache's serialisation)
//
// Each prints one JSON object on stdout: times in seconds (every repetition, so the
// caller takes medians), sizes in bytes. Runs on one thread, like one build job.
// Times are the process's CPU time (CLOCK_PROCESS_CPUTIME_ID), not wall time: on a
// shared machine the wall clock also counts the time other processes held the core.
import CZlib
import Datasets
import Foundation
import Models
import Numerics
import Pipeline
import Plotting

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Runs `body` `reps` times and returns each wall time.
func times(_ reps: Int, _ body: () throws -> Void) rethrows -> [Double] {
    var out = [Double]()
    for _ in 0..<reps {
        let t = now()
        try body()
        out.append(now() - t)
    }
    return out
}

func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    return s.isEmpty ? .nan : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
}

struct Arguments {
    var command = ""
    var project = "."
    var reps = 10
    var dataset = "two_moons"
    var out: String?
    var splits = 20
    /// L-BFGS correction pairs for lr-profile's fits.
    var memory = 10

    init(_ argv: [String]) throws {
        var it = argv.dropFirst().makeIterator()
        guard let c = it.next() else { throw BenchError("usage: lenses-bench png|models|gmm|svm|cache|figure|vae|gan|gemm|curves|curves-export --project DIR [--reps N] [--dataset NAME] [--splits N] [--memory M] [--out DIR]") }
        command = c
        while let a = it.next() {
            guard let v = it.next() else { throw BenchError("\(a) needs a value") }
            switch a {
            case "--project": project = v
            case "--reps": reps = max(1, Int(v) ?? 10)
            case "--dataset": dataset = v
            case "--splits": splits = max(2, Int(v) ?? 20)
            case "--memory": memory = max(1, Int(v) ?? 10)
            case "--out", "--encoder": out = v
            default: throw BenchError("unknown option \(a)")
            }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

func emit(_ object: [String: Any]) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// The gallery's distinct models, in lenses.yml order of the pairs.
func galleryModels(_ spec: ProjectSpec) -> [String] {
    var seen = [String]()
    for (a, b) in spec.galleryPairs { for m in [a, b] where !seen.contains(m) { seen.append(m) } }
    return seen
}

/// `name`: a model under models: (its kind, or a named instance's name).
func fitted(_ name: String, _ spec: ProjectSpec, _ data: DataArtifact) throws -> any Classifier {
    var model = try ModelCatalogue.make(kind: spec.model(name)?.kind ?? name, settings: spec.model(name)?.settings ?? [:])
    try model.fit(data.train.x, data.train.y, classCount: data.dataset.classCount)
    return model
}

func gridMatrix(_ g: Grid) -> Matrix { Matrix(rows: g.nx * g.ny, cols: 2, data: g.points) }

/// The P(y|x) figure as `lenses build` draws it (Stages.render, view map).
func mapFigure(_ data: DataArtifact, proba: Matrix, title: String) -> ScatterFigure {
    let ds = data.dataset, g = data.grid
    func points(_ d: Dataset) -> [PlotPoint] { (0..<d.count).map { PlotPoint(x: d.x[$0, 0], y: d.x[$0, 1], label: d.y[$0]) } }
    var fig = ScatterFigure(title: "\(title): P(y|x)", subtitle: "\(ds.title) · test accuracy 0.88 · log loss 0.291 · a straight line",
                            xLabel: ds.featureNames[0], yLabel: ds.featureNames[1], classNames: ds.classNames,
                            xRange: g.xMin...g.xMax, yRange: g.yMin...g.yMax)
    fig.train = points(data.train)
    fig.test = points(data.test)
    fig.probability = ProbabilityLayer(grid: g, classCount: ds.classCount, proba: proba.data)
    return fig
}

func png(_ args: Arguments, _ spec: ProjectSpec) throws {
    let data = try ProjectData.load(args.dataset, spec: spec)
    let model = try fitted("logistic_regression", spec, data)
    let fig = mapFigure(data, proba: model.predictProba(gridMatrix(data.grid)), title: "Logistic regression")
    // The production path: draw and encode with the default options. Three untimed renders first: a
    // process's first renders pay fontconfig's and Cairo's warm-up and fresh pages (a median of three
    // repetitions that included them read 40–53 ms against 20 ms in steady state; glibc's mmap threshold rises
    // only after the first large blocks are freed), and a build renders many.
    for _ in 0..<3 { _ = try fig.renderPNG() }
    let renderEncode = try times(args.reps) { _ = try fig.renderPNG() }
    let drawOnly = try times(args.reps) { let c = try Canvas(width: fig.width, height: fig.height); fig.draw(on: c) }
    let canvas = try Canvas(width: fig.width, height: fig.height)
    fig.draw(on: canvas)
    let cairoBytes = try canvas.cairoPNGData()
    let cairoTimes = try times(args.reps) { _ = try canvas.cairoPNGData() }
    let defaultBytes = try canvas.pngData()
    let defaultTimes = try times(args.reps) { _ = try canvas.pngData() }
    if let out = args.out { try defaultBytes.write(to: URL(fileURLWithPath: out)) }

    // A density figure too (contours, faded points, crosses; no tint).
    let gen = try fitted("gaussian_nb", spec, data) as! any GenerativeClassifier
    var dfig = mapFigure(data, proba: gen.predictProba(gridMatrix(data.grid)), title: "Gaussian naive Bayes")
    dfig.probability = nil
    let dens = gen.classLogDensity(gridMatrix(data.grid))
    var rng = SeededRandom(seed: 42, stream: "bench")
    let (sx, sy) = gen.sample(200, using: &rng)
    dfig.samples = (0..<sx.rows).map { PlotPoint(x: sx[$0, 0], y: sx[$0, 1], label: sy[$0]) }
    dfig.contours = (0..<data.dataset.classCount).map { k in
        let col = dens.column(k), sorted = col.sorted()
        return ContourLayer(label: k, grid: data.grid, logDensity: col,
                            levels: [0.5, 0.8, 0.95].map { ($0, sorted[Int(Double(sorted.count) * (1 - $0 / 4))]) })
    }
    dfig.fadeData = true
    let density = try Canvas(width: dfig.width, height: dfig.height)
    dfig.draw(on: density)
    let densityCairo = try density.cairoPNGData()

    var options = [PNGEncoder.Options]()
    for level in [1, 3, 6, 9] {
        for filter in PNGEncoder.Filter.allCases { options.append(.init(level: level, filter: filter, palette: false)) }
    }
    for filter in [PNGEncoder.Filter.none, .up, .adaptive] { options.append(.init(level: 6, filter: filter, strategy: .rle, palette: false)) }
    options.append(.init(level: 6, filter: .adaptive, strategy: .filtered, palette: false))
    options.append(.init(level: 6, filter: .none, palette: true))
    var variants = [[String: Any]]()
    for o in options {
        let reps = o.level == 9 ? 3 : max(3, args.reps / 2)
        let bytes = try canvas.pngData(options: o), dbytes = try density.pngData(options: o)
        let t = try times(reps) { _ = try canvas.pngData(options: o) }
        let dt = try times(reps) { _ = try density.pngData(options: o) }
        variants.append(["level": o.level, "filter": o.filter.rawValue, "strategy": o.strategy.rawValue,
                         "palette": o.palette, "bytes": bytes.count, "seconds": t,
                         "density_bytes": dbytes.count, "density_seconds": dt])
    }
    // How many colours do the figures have (indexed colour is lossless only at ≤ 256)?
    func countColours(_ c: Canvas) -> Int {
        let d = try! c.pngData(options: .init(level: 1, filter: .none, palette: false))
        return distinctColours(pngRGB: d, width: c.width, height: c.height)
    }
    try emit(["command": "png", "dataset": args.dataset, "default": PNGEncoder.Options.figures.description,
              "render_encode": renderEncode, "draw": drawOnly, "cairo_encode": cairoTimes, "default_encode": defaultTimes,
              "cairo_bytes": cairoBytes.count, "default_bytes": defaultBytes.count,
              "density_cairo_bytes": densityCairo.count, "density_cairo_encode": try times(max(3, args.reps / 2)) { _ = try density.cairoPNGData() },
              "colours": ["map": countColours(canvas), "density": countColours(density)], "variants": variants])
}

/// What the figure files cost (issue 17): each PNG variant drawn and encoded, the draw alone
/// at 2×, the 2× canvas encoded at a few zlib levels, and the whole `render(formats:)`.
///   lenses-bench themes --project DIR [--dataset NAME] [--reps N]
func themes(_ args: Arguments, _ spec: ProjectSpec) throws {
    let data = try ProjectData.load(args.dataset, spec: spec)
    let model = try fitted("logistic_regression", spec, data)
    let fig = mapFigure(data, proba: model.predictProba(gridMatrix(data.grid)), title: "Logistic regression")
    var rows = [String: Any]()
    for (name, scale, theme) in [("light1x", 1.0, Theme.light), ("light2x", 2.0, Theme.light), ("dark1x", 1.0, Theme.dark), ("dark2x", 2.0, Theme.dark)] {
        let bytes = try fig.renderPNG(scale: scale, theme: theme).count
        let t = try times(args.reps) { _ = try fig.renderPNG(scale: scale, theme: theme) }
        let d = try times(args.reps) { let c = try Canvas(width: fig.width, height: fig.height, scale: scale, theme: theme); fig.draw(on: c) }
        rows[name] = ["bytes": bytes, "render_encode": median(t), "draw": median(d)]
    }
    let c2 = try Canvas(width: fig.width, height: fig.height, scale: 2)
    fig.draw(on: c2)
    var levels = [String: Any]()
    for level in [1, 3, 6] {
        for filter in [PNGEncoder.Filter.none, .sub, .up, .paeth] {
            let o = PNGEncoder.Options(level: level, filter: filter)
            levels["\(level) \(filter.rawValue)"] = ["bytes": try c2.pngData(options: o).count,
                                                     "seconds": median(try times(args.reps) { _ = try c2.pngData(options: o) })]
        }
    }
    let all = try times(max(3, args.reps / 2)) { _ = try fig.render(formats: [.png]) }
    let vectors = try times(max(3, args.reps / 2)) { _ = try fig.renderVector(.svg); _ = try fig.renderVector(.pdf) }
    try emit(["command": "themes", "dataset": args.dataset, "variants": rows, "levels_2x": levels,
              "render_all_png": median(all), "svg_and_pdf": median(vectors)])
}

/// One decision-boundary figure drawn and encoded once, for instruction counts under
/// callgrind (`--encoder cairo` uses Cairo's PNG writer, `default` the figures' encoder).
func figure(_ args: Arguments, _ spec: ProjectSpec) throws {
    let data = try ProjectData.load(args.dataset, spec: spec)
    let model = try fitted("logistic_regression", spec, data)
    let fig = mapFigure(data, proba: model.predictProba(gridMatrix(data.grid)), title: "Logistic regression")
    let canvas = try Canvas(width: fig.width, height: fig.height)
    fig.draw(on: canvas)
    let png = args.out == "cairo" ? try canvas.cairoPNGData() : try canvas.pngData()
    try emit(["command": "figure", "encoder": args.out ?? "default", "bytes": png.count])
}

/// Distinct colours of an unfiltered, level-1 RGB PNG of ours (one IDAT), by inflating it.
func distinctColours(pngRGB d: Data, width: Int, height: Int) -> Int {
    // Chunks after the 8-byte signature: length, type, data, CRC; concatenate the IDATs.
    var idat = [UInt8](), o = 8
    let b = [UInt8](d)
    while o + 8 <= b.count {
        let n = Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3])
        if String(decoding: b[(o + 4)..<(o + 8)], as: UTF8.self) == "IDAT" { idat += b[(o + 8)..<(o + 8 + n)] }
        o += 12 + n
    }
    var pixels = [UInt8](repeating: 0, count: height * (width * 3 + 1))
    var size = uLong(pixels.count)
    guard uncompress(&pixels, &size, idat, uLong(idat.count)) == Z_OK, Int(size) == pixels.count else { return -1 }
    var set = Set<UInt32>()
    for y in 0..<height {
        for x in 0..<width {
            let o = y * (width * 3 + 1) + 1 + 3 * x
            set.insert(UInt32(pixels[o]) << 16 | UInt32(pixels[o + 1]) << 8 | UInt32(pixels[o + 2]))
        }
    }
    return set.count
}

func models(_ args: Arguments, _ spec: ProjectSpec) throws {
    let data = try ProjectData.load(args.dataset, spec: spec)
    let gx = gridMatrix(data.grid)
    var rows = [[String: Any]]()
    for kind in galleryModels(spec) {
        var model: (any Classifier)? = nil
        let fit = try times(max(1, args.reps / 3)) { model = try fitted(kind, spec, data) }
        let m = model!
        let proba = times(args.reps) { _ = m.predictProba(gx) }
        var row: [String: Any] = ["model": kind, "fit": fit, "grid_proba": proba]
        if let g = m as? any GenerativeClassifier {
            row["grid_log_density"] = times(args.reps) { _ = g.classLogDensity(gx) }
        }
        rows.append(row)
    }
    try emit(["command": "models", "dataset": args.dataset, "grid": "\(data.grid.nx)x\(data.grid.ny)", "models": rows])
}

func faithful(_ spec: ProjectSpec) throws -> Matrix {
    let url = spec.root.appendingPathComponent("data/faithful.csv")
    return try DatasetLoader.loadColumns(csv: try Data(contentsOf: url), file: "data/faithful.csv", columns: ["eruptions", "waiting"]).x
}

func gmm(_ args: Arguments, _ spec: ProjectSpec) throws {
    let x = try faithful(spec)
    var iterations = 0
    let one = try times(args.reps) {
        var g = GaussianMixture(components: 2, covarianceType: .full, restarts: 1, seed: 0)
        try g.fit(x)
        iterations = g.iterations
    }
    let sweep = try times(max(1, args.reps / 5)) {
        for k in 1...5 {
            var g = GaussianMixture(components: k, covarianceType: .full, restarts: 10, seed: 42)
            try g.fit(x)
        }
    }
    try emit(["command": "gmm", "rows": x.rows, "em_fit_k2": one, "em_iterations": iterations, "bic_sweep": sweep])
}

func svm(_ args: Arguments, _ spec: ProjectSpec) throws {
    let data = try ProjectData.load(args.dataset, spec: spec)
    let t = try times(args.reps) { _ = try fitted("svm_rbf", spec, data) }
    try emit(["command": "svm", "dataset": args.dataset, "rows": data.train.count, "fit": t])
}

/// What the build cache's serialisation costs: every entry of a built project's
/// .lenses/cache decoded and re-encoded with the cache's PropertyListEncoder (binary),
/// and with JSONEncoder for comparison, summed per artifact kind.
func cache(_ args: Arguments, _ spec: ProjectSpec) throws {
    let folder = spec.root.appendingPathComponent(".lenses/cache")
    let header = "LENSES-CACHE-2\n".utf8.count + 32
    var rows = [String: [String: Double]]()
    // An entry does not name its type, and its key hashes the lenses executable that wrote it (not this
    // one): each entry is decoded by the first of the plan's decoders (one job per stage and kind of
    // id: data, train, render, page, each study) that accepts it.
    var seen = Set<String>()
    let decoders = try SiteBuilder.jobs(spec).filter { seen.insert($0.id.description.split(separator: "/").prefix(2).joined(separator: "/")).inserted }
    let files = (FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".bin") }.sorted()
    let plistEncoder = PropertyListEncoder()
    plistEncoder.outputFormat = .binary
    func json<T: Artifact>(_ a: T) throws -> (bytes: Data, encode: Double, decode: Double) {
        var data = Data()
        let encode = try times(1) { data = try JSONEncoder().encode(a) }
        let decode = try times(1) { _ = try JSONDecoder().decode(T.self, from: data) }
        return (data, encode[0], decode[0])
    }
    for f in files {
        let data = try Data(contentsOf: folder.appendingPathComponent(f))
        let payload = data.subdata(in: header..<data.count)
        guard let job = decoders.first(where: { (try? $0.decodeArtifact(payload)) != nil }) else { continue }
        var artifact: (any Artifact)? = nil
        let decode = try times(1) { artifact = try job.decodeArtifact(payload) }
        let a = artifact!
        var kind = String(describing: type(of: a))
        if let fit = a as? FitArtifact { kind += fit.generative == nil ? " (discriminative)" : " (generative)" }
        let encode = try times(1) { _ = try plistEncoder.encode(a) }
        let j = try json(a)
        var r = rows[kind] ?? [:]
        r["count", default: 0] += 1
        r["plist_bytes", default: 0] += Double(payload.count)
        r["plist_encode", default: 0] += encode[0]
        r["plist_decode", default: 0] += decode[0]
        r["json_bytes", default: 0] += Double(j.bytes.count)
        r["json_encode", default: 0] += j.encode
        r["json_decode", default: 0] += j.decode
        rows[kind] = r
    }
    try emit(["command": "cache", "entries": files.count, "kinds": rows])
}

/// GEMM at the VAE's and the GAN's layer shapes (site preset, batch 64): every product of one
/// training step, timed alone with OpenBLAS on one thread, summed per epoch: the epoch's "GEMM
/// limit" (its time if it did nothing but these products at the speed OpenBLAS reaches on them).
/// Shapes per dense layer (in → out) and batch b: forward b×in·in×out, weight gradient
/// (in×b)·(b×out), input gradient (b×out)·(out×in) (not for a network's first layer unless the
/// gradient flows into its input). FLOPs = 2·m·n·k per product.
func gemm(_ args: Arguments, _ spec: ProjectSpec) throws {
    BLAS.useSingleThread()
    let deep = try require(spec.deep, "lenses.yml has no deep: section")
    let bytes = try Data(contentsOf: spec.root.appendingPathComponent(deep.file))
    let digits = try DigitsData.load(bytes: bytes, seed: spec.seed, testFraction: spec.testFraction)
    let rows = digits.train.rows, b = 64
    let steps = (rows + b - 1) / b
    typealias Product = (m: Int, k: Int, n: Int)
    // A dense network's products for `batch` rows: forward, weight gradients, input gradients.
    func network(_ sizes: [Int], batch: Int, forward: Bool = true, weights: Bool = true, inputGradient: Bool = false) -> [Product] {
        var out = [Product]()
        for (l, (i, o)) in zip(sizes, sizes.dropFirst()).enumerated() {
            if forward { out.append((batch, i, o)) }
            if weights { out.append((i, batch, o)) }
            if l > 0 || inputGradient { out.append((batch, o, i)) }
        }
        return out
    }
    let d = 64
    // VAE: encoder d → 128 → 128 → 2·10; decoder 10 → 128 → 128 → d (its gradient flows into z).
    let vae = network([d, 128, 128, 20], batch: b) + network([10, 128, 128, d], batch: b, inputGradient: true)
    // GAN (Goodfellow's algorithm, k = 1): G 16 → 256 → 256 → d, D d → 128 → 128 → 1.
    // Step 1: G forward (b), D forward and backward on 2b rows (real and generated).
    // Step 2: G forward (b), D forward and input gradients (b), G backward (b).
    let g = [16, 256, 256, d], dd = [d, 128, 128, 1]
    let gan = network(g, batch: b, weights: false) + network(dd, batch: 2 * b)
        + network(g, batch: b) + network(dd, batch: b, weights: false, inputGradient: true)
    func measure(_ products: [Product]) -> (flops: Double, seconds: Double, detail: [[String: Any]]) {
        var flops = 0.0, seconds = 0.0
        var detail = [[String: Any]]()
        for p in products {
            let a = Matrix(rows: p.m, cols: p.k, repeating: 0.5), bm = Matrix(rows: p.k, cols: p.n, repeating: 0.25)
            var c = Matrix(rows: p.m, cols: p.n)
            let reps = max(20, Int(2e8 / Double(2 * p.m * p.n * p.k)))
            let t = times(5) { for _ in 0..<reps { BLAS.gemm(a, bm, into: &c) } }.sorted()[2] / Double(reps)
            let f = 2.0 * Double(p.m * p.n * p.k)
            flops += f; seconds += t
            detail.append(["m": p.m, "k": p.k, "n": p.n, "gflops": f / t / 1e9])
        }
        return (flops * Double(steps), seconds * Double(steps), detail)
    }
    let v = measure(vae), gn = measure(gan)
    try emit(["command": "gemm", "rows": rows, "batch": b, "steps_per_epoch": steps,
              "vae": ["flops_per_epoch": v.flops, "gemm_seconds_per_epoch": v.seconds, "gflops": v.flops / v.seconds / 1e9, "products": v.detail],
              "gan": ["flops_per_epoch": gn.flops, "gemm_seconds_per_epoch": gn.seconds, "gflops": gn.flops / gn.seconds / 1e9, "products": gn.detail]])
}

/// One GAN epoch with the site's settings (`fit` with 1 epoch).
func ganEpoch(_ args: Arguments, _ spec: ProjectSpec) throws {
    let deep = try require(spec.deep, "lenses.yml has no deep: section")
    let bytes = try Data(contentsOf: spec.root.appendingPathComponent(deep.file))
    let digits = try DigitsData.load(bytes: bytes, seed: spec.seed, testFraction: spec.testFraction)
    var settings = deep.settings.gan
    settings["epochs"] = .integer(1)
    let t = try times(args.reps) {
        var g = try GenerativeAdversarialNetwork(settings: Settings(model: "gan", settings))
        try g.fit(digits.train)
    }
    try emit(["command": "gan", "rows": digits.train.rows, "epoch": t])
}

/// The learning-curve study of every standard dataset with `--splits` splits, one thread, timed
/// (plan + measure + summarise); writes plan-NAME.json (`LearningCurves.exportPlan`) and
/// swift-NAME.json (the per-fit errors) into `--out` for bench/learning_curves/bench.py.
func curvesExport(_ args: Arguments, _ spec: ProjectSpec) throws {
    let out = URL(fileURLWithPath: try require(args.out, "--out DIR is required"))
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    var settings = spec.learningCurves.settings
    settings.splits = args.splits
    var result = [String: Any]()
    for study in LearningCurveSpec.standard {
        let dataset = try LearningCurves.loadDataset(study, root: spec.root)
        var raw: LearningCurveMeasurements?
        let t = try times(args.reps) {
            let plan = try LearningCurvePlan(name: study.name, labels: dataset.y, classCount: dataset.classCount, settings: settings, seed: spec.seed)
            let m = LearningCurves.measure(study, dataset: dataset, plan: plan, settings: settings, parallelism: 1)
            _ = LearningCurves.summarise(study, dataset: dataset, plan: plan, measurements: m, settings: settings, seed: spec.seed)
            raw = m
        }
        try LearningCurves.exportPlan(study, dataset: dataset, settings: settings, seed: spec.seed)
            .write(to: out.appendingPathComponent("plan-\(study.name).json"))
        try JSONEncoder().encode(raw!).write(to: out.appendingPathComponent("swift-\(study.name).json"))
        result[study.name] = ["seconds": t, "fits": raw!.testError.count]
    }
    try emit(["command": "curves-export", "splits": settings.splits, "datasets": result])
}

/// One epoch of the site's larger VAE (latent 10, hidden 128,128, batch 64) on the digits'
/// training rows: the time of `fit` with 1 epoch, from the same initialisation each repetition.
func vae(_ args: Arguments, _ spec: ProjectSpec) throws {
    let deep = try require(spec.deep, "lenses.yml has no deep: section")
    let bytes = try Data(contentsOf: spec.root.appendingPathComponent(deep.file))
    let digits = try DigitsData.load(bytes: bytes, seed: spec.seed, testFraction: spec.testFraction)
    var settings = deep.settings.vae
    settings["epochs"] = .integer(1)
    let t = try times(args.reps) {
        var v = try VariationalAutoencoder(settings: Settings(model: "vae", settings))
        try v.fit(digits.train)
    }
    try emit(["command": "vae", "rows": digits.train.rows, "settings": settings.mapValues { "\($0)" }, "epoch": t])
}

/// The learning-curve dataset `--dataset` names (digits by default), its study settings with
/// `--splits` splits, and its rows.
func curveStudy(_ args: Arguments, _ spec: ProjectSpec) throws
    -> (name: String, study: LearningCurveSpec, settings: LearningCurveSettings, dataset: Dataset) {
    let name = args.dataset == "two_moons" ? "digits" : args.dataset
    let study = try require(spec.learningCurves.dataset(name), "no learning-curve dataset '\(name)'")
    var settings = spec.learningCurves.settings
    settings.splits = args.splits
    return (name, study, settings, try LearningCurves.loadDataset(study, root: spec.root))
}

/// The learning-curve study on one dataset (`--dataset`, default digits), one thread, with
/// `--splits` splits per size (default 20; the site uses 200: times scale linearly).
func curves(_ args: Arguments, _ spec: ProjectSpec) throws {
    let (name, study, settings, dataset) = try curveStudy(args, spec)
    var fits = 0
    let t = try times(args.reps) {
        let a = try LearningCurves.run(study, dataset: dataset, settings: settings, seed: spec.seed, parallelism: 1)
        fits = a.fits
    }
    try emit(["command": "curves", "dataset": name, "splits": settings.splits, "fits": fits, "run": t])
}

/// Where the learning curves' logistic fits spend their time (one dataset, `--splits` splits):
/// per learner (C × representation) the CPU seconds and L-BFGS iterations of a cold start, and of
/// warm starts (C = weak from C = strong on the same rows; C = strong from the previous size's fit).
func lrProfile(_ args: Arguments, _ spec: ProjectSpec) throws {
    let (name, study, settings, dataset) = try curveStudy(args, spec)
    let plan = try LearningCurvePlan(name: study.name, labels: dataset.y, classCount: dataset.classCount, settings: settings, seed: spec.seed)
    let tol = study.tolerance(settings), K = dataset.classCount
    var stats = [String: [Double]]()   // name → [seconds, iterations, fits, testErrorSum]
    func add(_ key: String, _ t: Double, _ it: Int, _ err: Double) {
        var v = stats[key] ?? [0, 0, 0, 0]; v[0] += t; v[1] += Double(it); v[2] += 1; v[3] += err; stats[key] = v
    }
    func err(_ m: LogisticRegression, _ x: Matrix, _ y: [Int]) -> Double {
        let p = m.predictProba(x); var wrong = 0
        for i in 0..<p.rows { var b = 0; for k in 1..<p.cols where p[i, k] > p[i, b] { b = k }; if b != y[i] { wrong += 1 } }
        return Double(wrong) / Double(y.count)
    }
    let reps: [(String, (Double) -> Double)] = study.counts
        ? [("features", { $0 / study.logisticDivisor }), ("binarised", { $0 > study.binarizeThreshold ? 1 : 0 })]
        : [("features", { $0 })]
    for s in 0..<plan.splits {
        var previous = [String: [Double]]()
        for i in plan.sizes.indices {
            let train = plan.training(size: i, split: s), test = plan.tests[s]
            let yTrain = train.map { dataset.y[$0] }, yTest = test.map { dataset.y[$0] }
            for (rep, f) in reps {
                var xTrain = dataset.x.rows(train), xTest = dataset.x.rows(test)
                xTrain = Matrix(rows: xTrain.rows, cols: xTrain.cols, data: xTrain.data.map(f))
                xTest = Matrix(rows: xTest.rows, cols: xTest.cols, data: xTest.data.map(f))
                if study.standardizeForLogistic && rep == "features" {
                    let mean = xTrain.columnMeans(), sd = xTrain.columnVariances().map { $0 > 0 ? $0.squareRoot() : 1 }
                    func apply(_ x: Matrix) -> Matrix {
                        var o = x; for r in 0..<x.rows { for j in 0..<x.cols { o[r, j] = (x[r, j] - mean[j]) / sd[j] } }; return o
                    }
                    (xTrain, xTest) = (apply(xTrain), apply(xTest))
                }
                var strong = LogisticRegression(c: settings.strongC, maxIterations: settings.maxIterations, tolerance: tol)
                strong.memory = args.memory
                var t = now(); try strong.fit(xTrain, yTrain, classCount: K); add("\(rep) strong cold", now() - t, strong.convergence.iterations, err(strong, xTest, yTest))
                var weak = LogisticRegression(c: settings.weakC, maxIterations: settings.maxIterations, tolerance: tol)
                weak.memory = args.memory
                t = now(); try weak.fit(xTrain, yTrain, classCount: K); add("\(rep) weak cold", now() - t, weak.convergence.iterations, err(weak, xTest, yTest))
                var warm = LogisticRegression(c: settings.weakC, maxIterations: settings.maxIterations, tolerance: tol)
                t = now(); try warm.fit(xTrain, yTrain, classCount: K, from: strong.parameters); add("\(rep) weak from strong", now() - t, warm.convergence.iterations, err(warm, xTest, yTest))
                if let p = previous[rep] {
                    var ws = LogisticRegression(c: settings.strongC, maxIterations: settings.maxIterations, tolerance: tol)
                    t = now(); try ws.fit(xTrain, yTrain, classCount: K, from: p); add("\(rep) strong from previous size", now() - t, ws.convergence.iterations, err(ws, xTest, yTest))
                    add("\(rep) strong cold (sizes > 0)", 0, strong.convergence.iterations, err(strong, xTest, yTest))
                }
                previous[rep] = strong.parameters
            }
        }
    }
    try emit(["command": "lr-profile", "dataset": name, "splits": plan.splits,
              "learners": stats.mapValues { ["seconds": $0[0], "iterations": $0[1], "fits": $0[2], "mean_test_error": $0[3] / $0[2]] }])
}

func require<T>(_ value: T?, _ message: String) throws -> T {
    guard let value else { throw BenchError(message) }
    return value
}

BLAS.useSingleThread()
do {
    let args = try Arguments(CommandLine.arguments)
    let spec = try ConfigLoader.load(root: URL(fileURLWithPath: args.project, isDirectory: true).standardizedFileURL)
    switch args.command {
    case "png": try png(args, spec)
    case "themes": try themes(args, spec)
    case "models": try models(args, spec)
    case "gmm": try gmm(args, spec)
    case "svm": try svm(args, spec)
    case "cache": try cache(args, spec)
    case "figure": try figure(args, spec)
    case "vae": try vae(args, spec)
    case "curves": try curves(args, spec)
    case "curves-export": try curvesExport(args, spec)
    case "gemm": try gemm(args, spec)
    case "lr-profile": try lrProfile(args, spec)
    case "gan": try ganEpoch(args, spec)
    default: throw BenchError("unknown command \(args.command); known: png, models, gmm, svm, cache, figure, vae, gan, gemm, curves, curves-export")
    }
} catch {
    FileHandle.standardError.write(Data("lenses-bench: \(error)\n".utf8))
    exit(1)
}
