import Foundation

/// The deep generative study's parts, as one cacheable artifact case.
public enum DeepPart: Sendable, Codable {
    case vae(VAEArtifact)
    case gan(GANArtifact)
    case ring(RingArtifact)
    case gmm(GMMArtifact)
    case mlp(MLPArtifact)
    case judging(JudgingArtifact)

    var vae: VAEArtifact { if case .vae(let v) = self { return v }; preconditionFailure("not a VAE") }
    var gan: GANArtifact { if case .gan(let g) = self { return g }; preconditionFailure("not a GAN") }
    var ring: RingArtifact { if case .ring(let r) = self { return r }; preconditionFailure("not a ring") }
    var gmm: GMMArtifact { if case .gmm(let g) = self { return g }; preconditionFailure("not a GMM") }
    var mlp: MLPArtifact { if case .mlp(let m) = self { return m }; preconditionFailure("not an MLP") }
    var judging: JudgingArtifact { if case .judging(let j) = self { return j }; preconditionFailure("not judging") }
}

/// `deep:` in lenses.yml: the digits file and the study's settings.
public struct DeepSpec: Sendable, Equatable, Codable {
    public var file: String
    public var settings: DeepStudySettings
}

/// Job ids and render functions of the deep study, in one place for the planner.
enum DeepJobs {
    static let models = ["vae-plane", "vae", "gan", "ring", "gmm", "mlp"]
    /// Rough relative cost of each part (seconds of one core with the site preset), so the runner
    /// starts the longest first; it changes the order of work, never a result.
    static let expectedCost: [String: Double] = ["gan": 30, "vae": 20, "vae-plane": 12, "mlp": 3, "ring": 3, "gmm": 2]

    /// (render id suffix, the study jobs it reads, how to draw it)
    static let figures: [(name: String, inputs: [String], render: @Sendable ([DeepPart], FigureSettings) throws -> FigureArtifact)] = [
        ("vae-samples", ["vae"], { try DeepStudies.renderVAESamples($0[0].vae, figures: $1) }),
        ("vae-latent", ["vae-plane"], { try DeepStudies.renderVAELatent($0[0].vae, figures: $1) }),
        ("vae-walk", ["vae-plane"], { try DeepStudies.renderVAEWalk($0[0].vae, figures: $1) }),
        ("vae-manifold", ["vae-plane"], { try DeepStudies.renderVAEManifold($0[0].vae, figures: $1) }),
        ("vae-epochs", ["vae"], { try DeepStudies.renderVAEEpochs($0[0].vae, figures: $1) }),
        ("vae-interpolations", ["vae"], { try DeepStudies.renderVAEInterpolations($0[0].vae, figures: $1) }),
        ("vae-elbo", ["vae-plane", "vae"], { try DeepStudies.renderELBO([$0[0].vae, $0[1].vae], figures: $1) }),
        ("gan-samples", ["gan"], { try DeepStudies.renderGANSamples($0[0].gan, figures: $1) }),
        ("gan-epochs", ["gan"], { try DeepStudies.renderGANEpochs($0[0].gan, figures: $1) }),
        ("gan-losses", ["gan"], { try DeepStudies.renderGANLosses($0[0].gan, figures: $1) }),
        ("ring", ["ring"], { try DeepStudies.renderRing($0[0].ring, figures: $1) }),
        ("ring-scrub", ["ring"], { try DeepStudies.renderRingScrub($0[0].ring, figures: $1) }),
        ("gmm-samples", ["gmm"], { try DeepStudies.renderGMMSamples($0[0].gmm, figures: $1) }),
        ("mlp", ["mlp"], { try DeepStudies.renderMLP($0[0].mlp, figures: $1) }),
        ("nearest", ["judging"], { try DeepStudies.renderNearest($0[0].judging, figures: $1) }),
        ("distances", ["judging"], { try DeepStudies.renderDistances($0[0].judging, figures: $1) }),
        ("predicted-classes", ["judging"], { try DeepStudies.renderPredictedClasses($0[0].judging, figures: $1) }),
    ]

    /// Which figures each page directive shows, in order (pairs side by side).
    static let directives: [String: [[String]]] = [
        "deep-generate": [["mlp"], ["vae-samples", "gan-samples"], ["gmm-samples", "vae-interpolations"],
                          ["vae-latent", "vae-manifold"], ["vae-elbo"]],
        "deep-training": [["gan-epochs"], ["gan-losses"], ["ring"]],
        "deep-judging": [["nearest"], ["distances", "predicted-classes"]],
        "latent-walk": [["vae-walk"]],
        "ring-training": [["ring-scrub"]],
        "vae-training": [["vae-epochs"]],
    ]

    static func compute(_ part: String, spec: DeepSpec, bytes: Data, seed: UInt64, testFraction: Double,
                        deps: ArtifactStore) throws -> DeepPart {
        let s = spec.settings
        if part == "ring" { return .ring(try DeepStudies.computeRing(settings: s, seed: seed)) }
        let d = try DigitsData.load(bytes: bytes, file: spec.file, seed: seed, testFraction: testFraction)
        switch part {
        case "vae-plane": return .vae(try DeepStudies.computeVAE(d, settings: s, plane: true, seed: seed))
        case "vae": return .vae(try DeepStudies.computeVAE(d, settings: s, plane: false, seed: seed))
        case "gan": return .gan(try DeepStudies.computeGAN(d, settings: s, seed: seed))
        case "gmm": return .gmm(try DeepStudies.computeGMM(d, settings: s, seed: seed))
        case "mlp": return .mlp(try DeepStudies.computeMLP(d, settings: s, seed: seed))
        default:
            func get(_ part: String) -> DeepPart { deps[JobID.deep(part)] }
            return .judging(try DeepStudies.computeJudging(d, vae: get("vae").vae, gan: get("gan").gan, gmm: get("gmm").gmm,
                                                          mlp: get("mlp").mlp, settings: s, seed: seed))
        }
    }
}
