//! Input checks. The server cannot read ciphertext, but it refuses anything that is not even
//! shaped like what a covault client sends, so garbage never reaches storage.

use std::collections::BTreeMap;

use covault::crypto::{Algorithm, Envelope, PublicKey};

use crate::error::ApiError;

/// Most slots an item or share may have.
pub const MAX_SLOTS: usize = 256;
/// Longest slot name, in bytes.
pub const MAX_SLOT_NAME: usize = 256;

/// A client-made id must be a UUID in canonical lowercase form.
pub fn id(field: &'static str, value: &str) -> Result<(), ApiError> {
    match uuid::Uuid::parse_str(value) {
        Ok(u) if u.hyphenated().to_string() == value => Ok(()),
        _ => Err(ApiError::bad(
            "InvalidId",
            format!("{field} must be a lowercase hyphenated UUID"),
        )),
    }
}

/// A record version: stored as BIGINT, so it must fit an i64.
pub fn version(field: &'static str, value: u64) -> Result<i64, ApiError> {
    i64::try_from(value).map_err(|_| ApiError::bad("InvalidField", format!("{field} is too large")))
}

/// The 409 for an update that is not the next version of what is stored.
pub fn stale(what: &str, stored: i64) -> ApiError {
    ApiError::StaleVersion(format!(
        "the {what} is at version {stored}; send version {}",
        stored.saturating_add(1)
    ))
}

/// An email: normalized to lowercase, at most 254 bytes, one `@` with text on both sides.
pub fn email(value: &str) -> Result<String, ApiError> {
    let email = value.trim().to_lowercase();
    let ok = email.len() <= 254
        && email.split('@').count() == 2
        && email.split('@').all(|part| !part.is_empty())
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(email)
    } else {
        Err(ApiError::bad("InvalidEmail", "not an email address"))
    }
}

/// An envelope of the expected algorithm.
pub fn envelope(field: &'static str, value: &str, algorithm: Algorithm) -> Result<(), ApiError> {
    let parsed = Envelope::parse(value)
        .map_err(|e| ApiError::bad("InvalidEnvelope", format!("{field}: {e}")))?;
    if parsed.algorithm() != algorithm {
        return Err(ApiError::bad(
            "InvalidEnvelope",
            format!(
                "{field}: expected {}, got {}",
                algorithm.name(),
                parsed.algorithm().name()
            ),
        ));
    }
    Ok(())
}

/// An X25519 public key.
pub fn public_key(field: &'static str, value: &str) -> Result<(), ApiError> {
    PublicKey::parse(value)
        .map(|_| ())
        .map_err(|e| ApiError::bad("InvalidPublicKey", format!("{field}: {e}")))
}

/// A label envelope and slot envelopes, within the limits.
pub fn label_and_slots(label: &str, slots: &BTreeMap<String, String>) -> Result<(), ApiError> {
    envelope("label", label, Algorithm::A256Gcm)?;
    if slots.len() > MAX_SLOTS {
        return Err(ApiError::bad(
            "TooManySlots",
            format!("at most {MAX_SLOTS} slots"),
        ));
    }
    for (name, value) in slots {
        if name.is_empty() || name.len() > MAX_SLOT_NAME || name.chars().any(char::is_control) {
            return Err(ApiError::bad(
                "InvalidSlotName",
                format!("slot names are 1 to {MAX_SLOT_NAME} bytes without control characters"),
            ));
        }
        envelope("slot", value, Algorithm::A256Gcm)?;
    }
    Ok(())
}
