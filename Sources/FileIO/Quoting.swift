/// `text` as an error message quotes it, in single quotes, cut to at most
/// `limit` characters by eliding its middle with `…`: names and values read
/// from a file can be megabytes long, an error line should not be.
public func quoted(_ text: some StringProtocol, limit: Int = 200) -> String {
    "'\(shortened(text, limit: limit))'"
}

/// `text` cut to at most `limit` characters (`limit` ≥ 1) by replacing its
/// middle with `…`, keeping its start and its end.
public func shortened(_ text: some StringProtocol, limit: Int = 200) -> String {
    guard text.count > limit else { return String(text) }
    let kept = limit - 1
    return String(text.prefix(kept - kept / 2)) + "…" + String(text.suffix(kept / 2))
}
