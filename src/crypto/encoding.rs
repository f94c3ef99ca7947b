//! Strict unpadded base64url, the only binary-to-text encoding covault uses.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::{CryptoError, Result};

/// Encodes bytes as unpadded base64url.
pub fn to_base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes canonical unpadded base64url; padding, other alphabets and non-zero trailing bits are
/// refused so that every value has exactly one spelling.
pub fn from_base64url(text: &str, what: &'static str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| CryptoError::Encoding(what))
}

/// Decodes base64url into exactly `N` bytes.
pub fn from_base64url_array<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N]> {
    let bytes = from_base64url(text, what)?;
    let found = bytes.len();
    bytes.try_into().map_err(|_| CryptoError::WrongLength {
        what,
        expected: N,
        found,
    })
}

/// The decoding table of base64url: the 6-bit value of each byte, or `INVALID`.
const INVALID: u8 = 0xff;
// Built at compile time, where an index out of range fails the build rather than a run.
#[allow(clippy::indexing_slicing)]
const DECODE: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Decodes canonical unpadded base64url in place: the bytes overwrite the front of `buf`
/// (3 bytes out for every 4 read, so writing never overtakes reading) and their count is
/// returned. Accepts and refuses exactly what [`from_base64url`] does, without allocating a
/// second buffer: for multi-megabyte ciphertexts the copy is what costs.
pub fn decode_base64url_in_place(buf: &mut [u8], what: &'static str) -> Result<usize> {
    let err = || CryptoError::Encoding(what);
    let sextets = |chars: &[u8]| -> Result<u32> {
        chars
            .iter()
            .try_fold(0u32, |acc, &c| match DECODE.get(usize::from(c)) {
                Some(&v) if v != INVALID => Ok((acc << 6) | u32::from(v)),
                _ => Err(err()),
            })
    };
    let (full, rest) = (buf.len() / 4, buf.len() % 4);
    if rest == 1 {
        return Err(err());
    }
    for i in 0..full {
        let acc = sextets(buf.get(i * 4..i * 4 + 4).ok_or_else(err)?)?;
        let [_, a, b, c] = acc.to_be_bytes();
        buf.get_mut(i * 3..i * 3 + 3)
            .ok_or_else(err)?
            .copy_from_slice(&[a, b, c]);
    }
    let mut len = full * 3;
    if rest > 0 {
        let acc = sextets(buf.get(full * 4..).ok_or_else(err)?)?;
        // 2 characters carry 1 byte and 4 spare bits, 3 carry 2 bytes and 2 spare bits; a
        // canonical encoder leaves the spare bits zero.
        let (spare, [_, _, a, b]) = if rest == 2 {
            (acc & 0xf, (acc >> 4).to_be_bytes())
        } else {
            (acc & 0x3, (acc >> 2).to_be_bytes())
        };
        if spare != 0 {
            return Err(err());
        }
        let tail: &[u8] = if rest == 2 { &[b] } else { &[a, b] };
        buf.get_mut(len..len + tail.len())
            .ok_or_else(err)?
            .copy_from_slice(tail);
        len += tail.len();
    }
    Ok(len)
}

/// Appends the unpadded base64url of `bytes` to `out` without an intermediate `String`.
pub fn push_base64url(out: &mut String, bytes: &[u8]) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The in-place decoder agrees with the base64 crate's strict decoder on every length and
    /// on each kind of defect.
    #[test]
    fn in_place_decoding_matches_the_strict_decoder() {
        let mut inputs: Vec<String> = (0..70u8)
            .map(|n| to_base64url(&(0..n).map(|i| i.wrapping_mul(37)).collect::<Vec<_>>()))
            .collect();
        for bad in [
            "A",
            "AAAAA",
            "AB",
            "AAB",
            "AA=",
            "AA+A",
            "AA/A",
            "A A=",
            "AAAA\u{e9}",
            "ABCD.",
            "",
        ] {
            inputs.push(bad.to_owned());
        }
        for text in inputs {
            let expected = from_base64url(&text, "x");
            let mut buf = text.clone().into_bytes();
            let got = decode_base64url_in_place(&mut buf, "x").map(|n| buf[..n].to_vec());
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn pushing_matches_encoding() {
        let mut out = String::from("cv1.");
        push_base64url(&mut out, b"\xff\x00hello");
        assert_eq!(out, format!("cv1.{}", to_base64url(b"\xff\x00hello")));
    }
}
