//! The one place randomness comes from: the OS (or, in the browser, `crypto.getRandomValues`).

use zeroize::Zeroizing;

use super::error::{CryptoError, Result};

/// Fills an array with fresh random bytes.
pub fn random_array<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| CryptoError::Random)?;
    Ok(out)
}

/// Fresh random key material that wipes itself when dropped.
pub fn random_secret<const N: usize>() -> Result<Zeroizing<[u8; N]>> {
    let mut out = Zeroizing::new([0u8; N]);
    getrandom::fill(out.as_mut_slice()).map_err(|_| CryptoError::Random)?;
    Ok(out)
}

/// A random (version 4) UUID in its canonical lowercase text form. Every id in covault is
/// made by the client, so that ciphertexts can bind their own identity before upload.
pub fn new_id() -> Result<String> {
    let bytes = random_array::<16>()?;
    Ok(uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string())
}
