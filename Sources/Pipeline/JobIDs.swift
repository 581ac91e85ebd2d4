
// Every job id of the site, built from its parts in one place per kind of job; nothing parses
// them back. The text of an id (`description`) is what progress lines and the build report show.

extension JobID where Output == DataArtifact {
    /// A gallery dataset with its split and grid.
    static func data(_ dataset: String) -> Self { Self(.data, "data", dataset) }
}

extension JobID where Output == FitArtifact {
    /// One model instance trained on one gallery dataset.
    static func fit(_ dataset: String, _ model: String) -> Self { Self(.train, "train", dataset, model) }
}

extension JobID where Output == PageArtifact {
    static func page(_ slug: String) -> Self { Self(.page, "page", slug) }
}

extension JobID where Output == RegressionArtifact {
    static func regression(_ name: String) -> Self { Self(.train, "study", "regression", name) }
}

extension JobID where Output == MixtureArtifact {
    static func mixture(_ name: String) -> Self { Self(.train, "study", "mixture", name) }
}

extension JobID where Output == CaseStudyArtifact {
    static func caseStudy(_ name: String) -> Self { Self(.train, "study", "case", name) }
}

extension JobID where Output == LearningCurveArtifact {
    static func curves(_ name: String) -> Self { Self(.train, "study", "curves", name) }
    /// One range of the study's splits.
    func part(_ index: Int) -> JobID<LearningCurveMeasurements> { child("part", "\(index)") }
}

extension JobID where Output == LanguageArtifact {
    static var language: Self { Self(.train, "study", "language") }
}

extension JobID where Output == DeepPart {
    /// One part of the deep study (`DeepJobs.models` and `judging`).
    static func deep(_ part: String) -> Self { Self(.train, "study", "deep", part) }
}

extension JobID where Output == FigureArtifact {
    static func regressionFigure(_ name: String) -> Self { Self(.render, "render", "regression", name) }
    /// `criteria`, `density` or `em` (the EM-steps scrubber).
    static func mixtureFigure(_ name: String, _ figure: String) -> Self { Self(.render, "render", "mixture", name, figure) }
    /// The Gaussian learning curves of one dataset, or (`discrete`) those of the count models.
    static func curvesFigure(_ name: String, discrete: Bool = false) -> Self {
        Self(.render, ["render", "curves", name] + (discrete ? ["discrete"] : []))
    }
    static var languageFigure: Self { Self(.render, "render", "language") }
    static func deepFigure(_ name: String) -> Self { Self(.render, "render", "deep", name) }
}
