// Job ids are built from their parts, never parsed back: each study declares its own
// (`extension JobID where Output == …` in its folder). The text of an id (`description`) is
// what progress lines and the build report show.

extension JobID where Output == PageArtifact {
    /// One page of the site.
    static func page(_ slug: String) -> Self { Self(.page, "page", slug) }
}
