//! The account secret key: 128 random bits held on the user's devices, never sent anywhere.
//!
//! Printable form: `CV1-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`, 28 Crockford base32 characters
//! carrying the 128 key bits followed by their CRC-12 (CRC-12/DECT, not reflected).
//! Crockford's alphabet has no I, L, O or U, and the parser reads `O` as `0` and `I`/`L` as
//! `1`, ignores case, spaces and dashes, so that a key copied by hand parses. A CRC rather than
//! a truncated hash, because a CRC-12 *guarantees* to catch every error burst of up to 12 bits:
//! every single mistyped character (5 bits) and every swap of two neighbours (10 bits) fails
//! the check instead of silently deriving a wrong key.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::error::{CryptoError, Result};
use super::random::random_secret;

/// Version prefix of the printable form.
pub const PREFIX: &str = "CV1";
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SYMBOLS: usize = 28;
const CHECKSUM_BITS: usize = 12;

/// The 128-bit secret key. Zeroized on drop; its `Debug` prints nothing secret.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct SecretKey([u8; 16]);

impl SecretKey {
    /// A fresh random secret key, made at sign-up.
    pub fn generate() -> Result<Self> {
        Ok(SecretKey(*random_secret::<16>()?))
    }

    /// The raw bits, for key derivation.
    pub(crate) fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// From raw bytes (test vectors and frozen fixtures).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        SecretKey(bytes)
    }

    /// The printable form for the recovery kit. This is the secret: show it to its owner only.
    pub fn to_printable(&self) -> Zeroizing<String> {
        let mut bits = to_bits(&self.0);
        let check = checksum(&self.0);
        bits.extend((0..CHECKSUM_BITS).rev().map(|i| ((check >> i) & 1) as u8));
        let mut out = Zeroizing::new(String::with_capacity(PREFIX.len() + SYMBOLS + 7));
        out.push_str(PREFIX);
        for (i, symbol) in bits.chunks(5).enumerate() {
            if i % 4 == 0 {
                out.push('-');
            }
            let value = symbol
                .iter()
                .fold(0usize, |acc, &b| (acc << 1) | usize::from(b));
            out.extend(ALPHABET.get(value).map(|&c| c as char));
        }
        out
    }

    /// Parses the printable form, refusing a wrong version, a wrong length, a foreign
    /// character, or a checksum mismatch.
    pub fn parse(text: &str) -> Result<Self> {
        let mut cleaned = Zeroizing::new(String::with_capacity(text.len()));
        cleaned.extend(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                // The confusables anywhere, the version's `1` included.
                .map(|c| match c.to_ascii_uppercase() {
                    'O' => '0',
                    'I' | 'L' => '1',
                    other => other,
                }),
        );
        let Some(body) = cleaned.strip_prefix(PREFIX) else {
            return Err(if cleaned.starts_with("CV") {
                CryptoError::SecretKeyFormat("unknown secret key version")
            } else {
                CryptoError::SecretKeyFormat("a secret key starts with CV1-")
            });
        };
        if body.chars().count() != SYMBOLS {
            return Err(CryptoError::SecretKeyFormat(
                "a secret key has 28 characters after CV1-",
            ));
        }
        let mut bits = Zeroizing::new(Vec::with_capacity(SYMBOLS * 5));
        for c in body.chars() {
            let value = symbol_value(c).ok_or(CryptoError::SecretKeyFormat(
                "a secret key uses only the digits and letters A–Z without I, L, O and U",
            ))?;
            bits.extend((0..5).rev().map(|i| (value >> i) & 1));
        }
        let (key_bits, check_bits) = bits.split_at(128);
        let mut key = [0u8; 16];
        for (byte, chunk) in key.iter_mut().zip(key_bits.chunks(8)) {
            *byte = chunk.iter().fold(0u8, |acc, &b| (acc << 1) | b);
        }
        let found = check_bits
            .iter()
            .fold(0u16, |acc, &b| (acc << 1) | u16::from(b));
        if found != checksum(&key) {
            key.zeroize();
            return Err(CryptoError::SecretKeyChecksum);
        }
        Ok(SecretKey(key))
    }
}

impl core::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

fn checksum(key: &[u8; 16]) -> u16 {
    const CRC12: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_12_DECT);
    CRC12.checksum(key) & ((1 << CHECKSUM_BITS) - 1)
}

fn symbol_value(c: char) -> Option<u8> {
    let c = match c {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|p| p as u8)
}

/// The bits of `bytes`, most significant first, one per element.
fn to_bits(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(
        bytes
            .iter()
            .flat_map(|byte| (0..8).rev().map(move |i| (byte >> i) & 1))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_form_round_trips_and_has_the_documented_shape() {
        let key = SecretKey::generate().expect("rng");
        let text = key.to_printable();
        assert_eq!(text.len(), 3 + 7 * 5);
        assert!(text.starts_with("CV1-"));
        assert_eq!(SecretKey::parse(&text).expect("parses"), key);
    }

    #[test]
    fn sloppy_but_unambiguous_input_parses() {
        let key = SecretKey::from_bytes([0x5a; 16]);
        let text = key
            .to_printable()
            .to_lowercase()
            .replace('-', " ")
            .replace('0', "o");
        assert_eq!(SecretKey::parse(&text).expect("parses"), key);
    }

    #[test]
    fn every_single_character_typo_is_caught() {
        let key = SecretKey::from_bytes(*b"0123456789abcdef");
        let text = key.to_printable().to_string();
        let mut caught = 0;
        let mut tried = 0;
        for (i, original) in text.char_indices().skip(4).filter(|(_, c)| *c != '-') {
            for &replacement in ALPHABET.iter().filter(|&&a| a as char != original) {
                let mut typo = text.clone();
                typo.replace_range(i..i + 1, &(replacement as char).to_string());
                tried += 1;
                match SecretKey::parse(&typo) {
                    Err(CryptoError::SecretKeyChecksum) => caught += 1,
                    Ok(_) => {}
                    Err(other) => panic!("unexpected {other:?}"),
                }
            }
        }
        assert_eq!(tried, 28 * 31);
        assert_eq!(
            caught,
            tried,
            "{} of {tried} typos slipped through",
            tried - caught
        );
    }

    #[test]
    fn every_swap_of_neighbouring_characters_is_caught() {
        for seed in 0u8..16 {
            let key = SecretKey::from_bytes([seed.wrapping_mul(37); 16].map(|b| b ^ seed));
            let symbols: Vec<char> = key.to_printable()[3..]
                .chars()
                .filter(|c| *c != '-')
                .collect();
            for i in 0..symbols.len() - 1 {
                if symbols[i] == symbols[i + 1] {
                    continue;
                }
                let mut swapped = symbols.clone();
                swapped.swap(i, i + 1);
                let text: String = format!("CV1{}", swapped.iter().collect::<String>());
                assert_eq!(
                    SecretKey::parse(&text),
                    Err(CryptoError::SecretKeyChecksum),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn wrong_version_length_and_alphabet_are_format_errors() {
        for bad in [
            "CV2-AAAA",
            "XX1-AAAA",
            "CV1-AAAA-AAAA",
            "CV1-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU",
        ] {
            assert_eq!(
                SecretKey::parse(bad).unwrap_err().code(),
                "SecretKeyFormat",
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_does_not_print_the_key() {
        let key = SecretKey::from_bytes([0xab; 16]);
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }
}
