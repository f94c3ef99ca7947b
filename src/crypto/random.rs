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

/// How many nonces one call to the OS (in the browser, `crypto.getRandomValues`, a call out of
/// wasm that cost about an eighth of sealing 100 bytes) fetches at once.
const NONCES_PER_FETCH: usize = 32;

thread_local! {
    /// Fresh random bytes for nonces only: each 12-byte nonce is handed out once, then the pool
    /// refills. Nonces are public (they travel in the envelope); they need to be unique, which
    /// the OS's random bytes make them whether fetched one by one or 32 at a time. Keys never
    /// come from here.
    static NONCES: core::cell::RefCell<([u8; 12 * NONCES_PER_FETCH], usize)> =
        const { core::cell::RefCell::new(([0; 12 * NONCES_PER_FETCH], NONCES_PER_FETCH)) };
}

/// A fresh random 96-bit AES-GCM nonce.
pub fn random_nonce() -> Result<[u8; 12]> {
    NONCES.with(|pool| {
        let mut pool = pool.borrow_mut();
        let (bytes, next) = &mut *pool;
        if *next == NONCES_PER_FETCH {
            getrandom::fill(bytes).map_err(|_| CryptoError::Random)?;
            *next = 0;
        }
        let slot = bytes
            .get_mut(*next * 12..*next * 12 + 12)
            .ok_or(CryptoError::Random)?;
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(slot);
        // Spent: a nonce never comes out of the pool twice, even if a refill failed later.
        slot.fill(0);
        *next += 1;
        Ok(nonce)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_distinct_across_refills() {
        let nonces: std::collections::BTreeSet<[u8; 12]> = (0..NONCES_PER_FETCH * 3 + 5)
            .map(|_| random_nonce().expect("rng"))
            .collect();
        assert_eq!(nonces.len(), NONCES_PER_FETCH * 3 + 5);
    }
}
