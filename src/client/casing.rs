//! The one casing rule for JavaScript: field names are snake_case on the wire and in the CLI's
//! output (they are the API's names), and camelCase in what the `Covault` class returns. The
//! conversion happens once, at the wasm boundary, on every key except those inside a `slots` or
//! `verification` map, which are the user's own slot names. `tests/ts_types.rs` checks the hand-written
//! TypeScript declarations against the Rust types through this same rule.

/// `created_at` → `createdAt`.
pub fn camel_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Keys whose values are keyed by the user's slot names, which keep their own spelling: the
/// slots themselves, their types, and a share's commitments to them.
pub const USER_DATA_KEYS: &[&str] = &["slots", "verification", "types"];

#[cfg(test)]
mod tests {
    #[test]
    fn snake_case_becomes_camel_case() {
        assert_eq!(super::camel_case("recipient_email"), "recipientEmail");
        assert_eq!(super::camel_case("id"), "id");
        assert_eq!(super::camel_case("a_b_c"), "aBC");
    }
}
