//! A small, strict binary encoding for the records covault seals (an item's manifest, the
//! account record, the device state): big-endian integers and length-prefixed UTF-8 strings.
//!
//! Chosen over JSON for what is sealed because every field is known and fixed, the reader must
//! refuse anything but exactly one encoding (trailing bytes, a short field, bad UTF-8 each give
//! `Malformed`), and a serde derive per record type cost the browser module several kilobytes.

use super::error::{CryptoError, Result};

/// Appends fields to a buffer.
#[derive(Debug, Default)]
pub struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// A writer whose output starts with a format tag.
    pub fn new(tag: u8) -> Self {
        Writer { bytes: vec![tag] }
    }

    /// A `u64`, big-endian.
    pub fn u64(&mut self, value: u64) -> &mut Self {
        self.bytes.extend_from_slice(&value.to_be_bytes());
        self
    }

    /// A count of what follows. Lengths over 4 GiB cannot occur in a record; saturate anyway.
    pub fn count(&mut self, n: usize) -> &mut Self {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.bytes.extend_from_slice(&n.to_be_bytes());
        self
    }

    /// A string: its length, then its UTF-8 bytes.
    pub fn str(&mut self, value: &str) -> &mut Self {
        self.count(value.len());
        self.bytes.extend_from_slice(value.as_bytes());
        self
    }

    /// A boolean, as one byte.
    pub fn bool(&mut self, value: bool) -> &mut Self {
        self.bytes.push(u8::from(value));
        self
    }

    /// The encoding.
    pub fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

/// Reads fields back, refusing anything malformed.
#[derive(Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

const MALFORMED: CryptoError = CryptoError::Malformed("sealed record");

impl<'a> Reader<'a> {
    /// A reader that first checks the format tag.
    pub fn new(bytes: &'a [u8], tag: u8) -> Result<Self> {
        match bytes.split_first() {
            Some((&first, rest)) if first == tag => Ok(Reader { rest }),
            _ => Err(MALFORMED),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.rest.len() {
            return Err(MALFORMED);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// A `u64`.
    pub fn u64(&mut self) -> Result<u64> {
        let bytes: [u8; 8] = self.take(8)?.try_into().map_err(|_| MALFORMED)?;
        Ok(u64::from_be_bytes(bytes))
    }

    /// A count, checked against what is left (each counted thing takes at least `min` bytes),
    /// so a forged count cannot make the reader reserve memory it will never fill.
    pub fn count(&mut self, min: usize) -> Result<usize> {
        let bytes: [u8; 4] = self.take(4)?.try_into().map_err(|_| MALFORMED)?;
        let n = usize::try_from(u32::from_be_bytes(bytes)).map_err(|_| MALFORMED)?;
        if min > 0 && n.saturating_mul(min) > self.rest.len() {
            return Err(MALFORMED);
        }
        Ok(n)
    }

    /// A string.
    pub fn str(&mut self) -> Result<String> {
        let len = self.count(1)?;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| MALFORMED)
    }

    /// A boolean (0 or 1; anything else is malformed).
    pub fn bool(&mut self) -> Result<bool> {
        match self.take(1)? {
            [0] => Ok(false),
            [1] => Ok(true),
            _ => Err(MALFORMED),
        }
    }

    /// Ends reading: trailing bytes are malformed.
    pub fn finish(self) -> Result<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(MALFORMED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_anything_else() {
        let mut w = Writer::new(7);
        w.u64(42).str("héllo").bool(true).count(0);
        let bytes = w.finish();
        let mut r = Reader::new(&bytes, 7).expect("tag");
        assert_eq!(r.u64(), Ok(42));
        assert_eq!(r.str().as_deref(), Ok("héllo"));
        assert_eq!(r.bool(), Ok(true));
        assert_eq!(r.count(1), Ok(0));
        assert_eq!(r.finish(), Ok(()));

        assert!(Reader::new(&bytes, 8).is_err(), "another tag");
        let mut long = bytes.clone();
        long.push(0);
        let mut r = Reader::new(&long, 7).expect("tag");
        let _ = (r.u64(), r.str(), r.bool(), r.count(1));
        assert!(r.finish().is_err(), "trailing bytes");
        for cut in 1..bytes.len() {
            let mut r = Reader::new(&bytes[..cut], 7).expect("tag");
            let read = (|| {
                r.u64()?;
                r.str()?;
                r.bool()?;
                r.count(1)
            })();
            assert!(read.is_err(), "cut at {cut}");
        }
        let mut forged = Writer::new(1);
        forged.count(u32::MAX as usize);
        let forged = forged.finish();
        assert!(Reader::new(&forged, 1).expect("tag").count(1).is_err());
    }
}
