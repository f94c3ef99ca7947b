//! Reading the frozen fixtures in `tests/fixtures/`: each version's test opens what that
//! version wrote, through these few accessors.
#![allow(dead_code)]

use std::path::PathBuf;

use covault::crypto::Envelope;
use covault::crypto::share::ShareBinding;
use serde_json::Value;

/// `tests/fixtures/NAME`.
pub fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Refuses to write over a frozen fixture: what a released version wrote is never regenerated.
pub fn never_regenerated(path: &std::path::Path) {
    assert!(
        !path.exists(),
        "{} exists and must never be regenerated",
        path.display()
    );
}

/// A string field.
pub fn text<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name].as_str().unwrap_or_else(|| panic!("missing {name}"))
}

/// An envelope field.
pub fn env(v: &Value, name: &str) -> Envelope {
    Envelope::parse(text(v, name)).expect(name)
}

/// A 32-byte key field (base64url).
pub fn key(v: &Value, name: &str) -> [u8; 32] {
    covault::crypto::encoding::from_base64url(text(v, name), "fixture key")
        .expect(name)
        .try_into()
        .expect("32 bytes")
}

/// A share's ids from a fixture (`shareId`, `connectionId`, `senderId`, `recipientId`), with no
/// terms: each version's test adds the terms its format binds.
pub fn binding_ids(v: &Value) -> ShareBinding<'_> {
    ShareBinding {
        share_id: text(v, "shareId"),
        connection_id: text(v, "connectionId"),
        sender_id: text(v, "senderId"),
        recipient_id: text(v, "recipientId"),
        expires_at_ms: None,
        terms: None,
        acceptance_required: false,
        v3: None,
    }
}
