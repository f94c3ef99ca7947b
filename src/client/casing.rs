//! The one casing rule: field names are snake_case on the wire and in the CLI's files and
//! output (they are the API's names), and camelCase in what the `Covault` class returns (the
//! JavaScript convention). The conversion happens once at each edge, at the wasm boundary
//! ([`camel_case`]) and in the CLI's output ([`snake_case`]), on every key except those inside a
//! [`USER_DATA_KEYS`] map, which are the user's own slot names. `tests/ts_types.rs` checks the
//! hand-written TypeScript declarations against the Rust types through this same rule.

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

/// `createdAt` → `created_at`; a key already in snake_case stays as it is.
pub fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
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

    #[test]
    fn camel_case_becomes_snake_case_and_back() {
        for key in ["recipient_email", "id", "on_sharing", "fingerprints_match"] {
            assert_eq!(super::snake_case(&super::camel_case(key)), key);
        }
        assert_eq!(super::snake_case("mediaType"), "media_type");
        assert_eq!(super::snake_case("expires_at"), "expires_at");
    }
}
