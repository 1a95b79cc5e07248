extension Collection {
    /// The first `limit` elements, for a page size a client asked for: a negative size (which
    /// the model's bounds should already have refused) is an empty page, never a trap.
    public func page(_ limit: Int) -> SubSequence { prefix(Swift.max(0, limit)) }
}
