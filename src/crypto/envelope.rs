//! The one text format for every ciphertext and wrapped key:
//! `cv1.<alg>.<base64url(nonce or encapsulated key)>.<base64url(ciphertext || tag)>`.
//!
//! It is safe in JSON and URLs, says what it is, and parses strictly: every way to get it wrong
//! has its own [`CryptoError`], and no input makes the parser panic.

use core::fmt;
use core::ops::Range;
use core::str::FromStr;

use super::encoding::{from_base64url, push_base64url};
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

    pub(crate) fn header_name(self) -> &'static str {
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
        check_lengths(algorithm, header.len(), ciphertext.len())?;
        Ok(Envelope {
            algorithm,
            header,
            ciphertext,
        })
    }

    /// Parses the text form strictly.
    pub fn parse(text: &str) -> Result<Self> {
        let fields = split(text.as_bytes())?;
        let field = |range| text.get(range).unwrap_or_default();
        let header = from_base64url(field(fields.header), fields.algorithm.header_name())?;
        let ciphertext = from_base64url(field(fields.ciphertext), "ciphertext")?;
        Envelope::new(fields.algorithm, header, ciphertext)
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
        check_algorithm(self.algorithm, algorithm)?;
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

impl Envelope {
    /// The text form, written into one string of the exact length.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(text_len(
            self.algorithm,
            self.header.len(),
            self.ciphertext.len(),
        ));
        out.push_str(VERSION);
        out.push('.');
        out.push_str(self.algorithm.name());
        out.push('.');
        push_base64url(&mut out, &self.header);
        out.push('.');
        push_base64url(&mut out, &self.ciphertext);
        out
    }
}

/// The length of an envelope's text form.
pub(crate) fn text_len(algorithm: Algorithm, header: usize, ciphertext: usize) -> usize {
    let b64 = |n: usize| n / 3 * 4 + (n % 3 * 4).div_ceil(3);
    VERSION.len() + 1 + algorithm.name().len() + 1 + b64(header) + 1 + b64(ciphertext)
}

impl fmt::Display for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl FromStr for Envelope {
    type Err = CryptoError;

    fn from_str(text: &str) -> Result<Self> {
        Envelope::parse(text)
    }
}

/// Where an envelope's two binary fields are in its text, once the length, version, field
/// count, algorithm and non-empty fields are checked (their base64 is not yet decoded). Works
/// on bytes so that envelope text handed over as a `Uint8Array` needs no UTF-8 check first.
pub(crate) struct Fields {
    pub(crate) algorithm: Algorithm,
    pub(crate) header: Range<usize>,
    pub(crate) ciphertext: Range<usize>,
}

/// The checks of [`Envelope::parse`] up to the base64 decoding, in the same order and with
/// the same errors.
pub(crate) fn split(text: &[u8]) -> Result<Fields> {
    if text.len() > MAX_ENVELOPE_LEN {
        return Err(CryptoError::Malformed(
            "envelope is larger than the parser accepts",
        ));
    }
    let mut dots = text
        .iter()
        .enumerate()
        .filter_map(|(i, &b)| (b == b'.').then_some(i));
    let first = dots.next();
    let version = text.get(..first.unwrap_or(text.len())).unwrap_or_default();
    let (second, third, fourth) = (dots.next(), dots.next(), dots.next());
    // The number of dot-separated parts, counted only as far as the errors need it.
    let parts = [first, second, third, fourth]
        .iter()
        .filter(|d| d.is_some())
        .count()
        + 1;
    if version != VERSION.as_bytes() {
        if version.is_empty() && parts == 1 {
            return Err(CryptoError::Truncated(0));
        }
        return Err(CryptoError::UnknownVersion(truncate_for_message(
            &String::from_utf8_lossy(version),
        )));
    }
    let (Some(first), Some(second), Some(third), None) = (first, second, third, fourth) else {
        return Err(if parts < 4 {
            CryptoError::Truncated(parts)
        } else {
            CryptoError::Malformed("more than 4 dot-separated parts")
        });
    };
    let name = text.get(first + 1..second).unwrap_or_default();
    let algorithm = Algorithm::from_name(&String::from_utf8_lossy(name))?;
    let (header, ciphertext) = (second + 1..third, third + 1..text.len());
    if header.is_empty() || ciphertext.is_empty() {
        return Err(CryptoError::Malformed("empty field"));
    }
    Ok(Fields {
        algorithm,
        header,
        ciphertext,
    })
}

/// The length checks of [`Envelope::new`].
pub(crate) fn check_lengths(algorithm: Algorithm, header: usize, ciphertext: usize) -> Result<()> {
    if header != algorithm.header_len() {
        return Err(CryptoError::WrongLength {
            what: algorithm.header_name(),
            expected: algorithm.header_len(),
            found: header,
        });
    }
    if ciphertext < TAG_LEN {
        return Err(CryptoError::WrongLength {
            what: "ciphertext (at least the tag)",
            expected: TAG_LEN,
            found: ciphertext,
        });
    }
    Ok(())
}

/// The algorithm check of [`Envelope::expect`].
pub(crate) fn check_algorithm(found: Algorithm, wanted: Algorithm) -> Result<()> {
    if found != wanted {
        return Err(CryptoError::UnknownAlgorithm(format!(
            "{} where {} was expected",
            found.name(),
            wanted.name()
        )));
    }
    Ok(())
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
        assert_eq!(env.to_text().capacity(), GOOD.len());
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
