//! The one text format for every ciphertext and wrapped key:
//! `cv1.<alg>.<base64url(nonce or encapsulated key)>.<base64url(ciphertext || tag)>`.
//!
//! It is safe in JSON and URLs, says what it is, and parses strictly: every way to get it wrong
//! has its own [`CryptoError`], and no input makes the parser panic.

use core::fmt;
use core::str::FromStr;

use super::encoding::{from_base64url, to_base64url};
use super::error::{CryptoError, Result};

/// The version prefix this build writes. Later versions may add algorithms; envelopes of this
/// version stay decryptable forever (see `tests/frozen_envelopes.rs`).
pub const VERSION: &str = "cv1";

/// The largest envelope the parser accepts, in characters. Large enough for a 32 MiB value.
pub const MAX_ENVELOPE_LEN: usize = 48 * 1024 * 1024;

/// AES-GCM's authentication tag length.
pub const TAG_LEN: usize = 16;

/// The algorithm an envelope was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// AES-256-GCM with a 96-bit random nonce.
    A256Gcm,
    /// HPKE (RFC 9180): DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM. The second field
    /// carries the 32-byte encapsulated key instead of a nonce.
    HpkeX25519A256Gcm,
}

impl Algorithm {
    /// The name written in the envelope.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::A256Gcm => "a256gcm",
            Algorithm::HpkeX25519A256Gcm => "hpke-x25519-a256gcm",
        }
    }

    fn from_name(name: &str) -> Result<Self> {
        match name {
            "a256gcm" => Ok(Algorithm::A256Gcm),
            "hpke-x25519-a256gcm" => Ok(Algorithm::HpkeX25519A256Gcm),
            other => Err(CryptoError::UnknownAlgorithm(truncate_for_message(other))),
        }
    }

    /// Length of the second field: the nonce, or the encapsulated key.
    pub fn header_len(self) -> usize {
        match self {
            Algorithm::A256Gcm => 12,
            Algorithm::HpkeX25519A256Gcm => 32,
        }
    }

    fn header_name(self) -> &'static str {
        match self {
            Algorithm::A256Gcm => "nonce",
            Algorithm::HpkeX25519A256Gcm => "encapsulated key",
        }
    }
}

/// A parsed envelope. Constructing one checks every length, so code that holds an `Envelope`
/// never has to re-check them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    algorithm: Algorithm,
    header: Vec<u8>,
    ciphertext: Vec<u8>,
}

impl Envelope {
    /// Assembles an envelope, checking field lengths.
    pub fn new(algorithm: Algorithm, header: Vec<u8>, ciphertext: Vec<u8>) -> Result<Self> {
        if header.len() != algorithm.header_len() {
            return Err(CryptoError::WrongLength {
                what: algorithm.header_name(),
                expected: algorithm.header_len(),
                found: header.len(),
            });
        }
        if ciphertext.len() < TAG_LEN {
            return Err(CryptoError::WrongLength {
                what: "ciphertext (at least the tag)",
                expected: TAG_LEN,
                found: ciphertext.len(),
            });
        }
        Ok(Envelope {
            algorithm,
            header,
            ciphertext,
        })
    }

    /// Parses the text form strictly.
    pub fn parse(text: &str) -> Result<Self> {
        if text.len() > MAX_ENVELOPE_LEN {
            return Err(CryptoError::Malformed(
                "envelope is larger than the parser accepts",
            ));
        }
        let parts: Vec<&str> = text.split('.').collect();
        let version = parts.first().copied().unwrap_or_default();
        if version != VERSION {
            if version.is_empty() && parts.len() == 1 {
                return Err(CryptoError::Truncated(0));
            }
            return Err(CryptoError::UnknownVersion(truncate_for_message(version)));
        }
        let [_, alg, header, ciphertext] = parts.as_slice() else {
            return Err(if parts.len() < 4 {
                CryptoError::Truncated(parts.len())
            } else {
                CryptoError::Malformed("more than 4 dot-separated parts")
            });
        };
        let algorithm = Algorithm::from_name(alg)?;
        if header.is_empty() || ciphertext.is_empty() {
            return Err(CryptoError::Malformed("empty field"));
        }
        let header = from_base64url(header, algorithm.header_name())?;
        let ciphertext = from_base64url(ciphertext, "ciphertext")?;
        Envelope::new(algorithm, header, ciphertext)
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The nonce (AES-GCM) or encapsulated key (HPKE).
    pub fn header(&self) -> &[u8] {
        &self.header
    }

    /// Ciphertext followed by the 16-byte tag.
    pub fn ciphertext(&self) -> &[u8] {
        &self.ciphertext
    }

    /// Refuses an envelope of the wrong algorithm or of a ciphertext length other than
    /// `plaintext_len + TAG_LEN`: used for wrapped keys, whose plaintext length is fixed.
    pub fn expect(&self, algorithm: Algorithm, plaintext_len: Option<usize>) -> Result<()> {
        if self.algorithm != algorithm {
            return Err(CryptoError::UnknownAlgorithm(format!(
                "{} where {} was expected",
                self.algorithm.name(),
                algorithm.name()
            )));
        }
        if let Some(len) = plaintext_len
            && self.ciphertext.len() != len + TAG_LEN
        {
            return Err(CryptoError::WrongLength {
                what: "wrapped key ciphertext",
                expected: len + TAG_LEN,
                found: self.ciphertext.len(),
            });
        }
        Ok(())
    }
}

impl fmt::Display for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{VERSION}.{}.{}.{}",
            self.algorithm.name(),
            to_base64url(&self.header),
            to_base64url(&self.ciphertext)
        )
    }
}

impl FromStr for Envelope {
    type Err = CryptoError;

    fn from_str(text: &str) -> Result<Self> {
        Envelope::parse(text)
    }
}

/// Keeps attacker-chosen text in error messages short.
fn truncate_for_message(text: &str) -> String {
    text.chars().take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "cv1.a256gcm.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn round_trips_its_text_form() {
        let env = Envelope::parse(GOOD).expect("valid");
        assert_eq!(env.to_string(), GOOD);
        assert_eq!(env.header().len(), 12);
        assert_eq!(env.ciphertext().len(), 16);
    }

    #[test]
    fn each_defect_has_its_own_error() {
        let cases: &[(&str, &str)] = &[
            ("", "EnvelopeTruncated"),
            ("cv1", "EnvelopeTruncated"),
            ("cv1.a256gcm.AAAAAAAAAAAAAAAA", "EnvelopeTruncated"),
            (
                "cv9.a256gcm.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
                "EnvelopeVersion",
            ),
            (
                "cv1.rot13.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
                "EnvelopeAlgorithm",
            ),
            (
                "cv1.a256gcm.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.x",
                "EnvelopeMalformed",
            ),
            ("cv1.a256gcm..AAAAAAAAAAAAAAAAAAAAAA", "EnvelopeMalformed"),
            (
                "cv1.a256gcm.AAAAAAAAAAAAAAA=.AAAAAAAAAAAAAAAAAAAAAA",
                "Encoding",
            ),
            (
                "cv1.a256gcm.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAA+",
                "Encoding",
            ),
            (
                "cv1.a256gcm.AAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
                "WrongLength",
            ),
            (
                "cv1.a256gcm.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAA",
                "WrongLength",
            ),
        ];
        for (text, code) in cases {
            let err = Envelope::parse(text).expect_err(text);
            assert_eq!(err.code(), *code, "{text:?} gave {err:?}");
        }
    }

    #[test]
    fn non_canonical_base64_is_refused() {
        // 'B' in the last position sets trailing bits that a canonical encoder leaves zero.
        let err = Envelope::parse("cv1.a256gcm.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAB")
            .expect_err("non-canonical");
        assert_eq!(err.code(), "Encoding");
    }
}
