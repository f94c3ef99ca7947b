//! From passphrase and secret key to the unlock key and the auth key.
//!
//! ```text
//! Argon2id(passphrase, salt; m, t, p) ─► pw (32 B)
//! HKDF-Extract(salt = secret key, ikm = pw) ─► root
//! HKDF-Expand(root, "covault/v1/unlock-key") ─► unlock key (wraps the KEK)
//! HKDF-Expand(root, "covault/v1/auth-key")   ─► auth key (sent at login; the server keeps a hash)
//! ```
//!
//! The secret key makes a stolen database useless for passphrase guessing: without the 128
//! device-held bits, no guess can be checked.

use argon2::{Algorithm, Argon2, Params, Version};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::aead::{KEY_LEN, SymmetricKey};
use super::encoding::to_base64url;
use super::error::{CryptoError, Result};
use super::random::random_array;
use super::secret_key::SecretKey;

/// Salt length in bytes (RFC 9106 recommends 128 bits).
pub const SALT_LEN: usize = 16;

/// The floor below which a client refuses to derive: OWASP's Argon2id minimum, so that a
/// malicious server cannot downgrade the work factor.
pub const MIN_MEMORY_KIB: u32 = 19 * 1024;
/// The minimum number of passes.
pub const MIN_ITERATIONS: u32 = 2;
/// The most memory a client will spend (256 MiB, what a phone's browser tab can still
/// allocate): beyond this, a Vault is attacking the client.
pub const MAX_MEMORY_KIB: u32 = 256 * 1024;
/// The most passes a client will run.
pub const MAX_ITERATIONS: u32 = 16;
/// The most lanes a client accepts.
pub const MAX_PARALLELISM: u32 = 16;
/// The most work (memory × passes, in KiB) a client will do: 1 GiB-pass, about 5× the default
/// (64 MiB × 3), so a hostile Vault can slow a login to a few seconds on a phone, not freeze it.
pub const MAX_WORK_KIB: u64 = 1024 * 1024;

/// Argon2id cost parameters; they travel with the user record so they can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Number of passes.
    pub iterations: u32,
    /// Degree of parallelism (lanes). Part of the result, whatever threads actually run.
    pub parallelism: u32,
}

impl Default for KdfParams {
    /// m = 64 MiB, t = 3, p = 4.
    fn default() -> Self {
        KdfParams {
            memory_kib: 64 * 1024,
            iterations: 3,
            parallelism: 4,
        }
    }
}

impl KdfParams {
    /// The cheapest parameters a client accepts (m = 19 MiB, t = 2, p = 1): for tests, fixtures
    /// and benchmarks that must stay quick, never as an application's choice.
    pub const FLOOR: KdfParams = KdfParams {
        memory_kib: MIN_MEMORY_KIB,
        iterations: MIN_ITERATIONS,
        parallelism: 1,
    };

    /// Refuses parameters below the floor or above what a client will spend.
    pub fn check(&self) -> Result<()> {
        if self.memory_kib < MIN_MEMORY_KIB {
            return Err(CryptoError::KdfTooWeak(format!(
                "memory {} KiB is below the floor of {MIN_MEMORY_KIB} KiB",
                self.memory_kib
            )));
        }
        if self.iterations < MIN_ITERATIONS {
            return Err(CryptoError::KdfTooWeak(format!(
                "{} iteration(s) is below the floor of {MIN_ITERATIONS}",
                self.iterations
            )));
        }
        if self.memory_kib > MAX_MEMORY_KIB
            || self.iterations > MAX_ITERATIONS
            || self.parallelism == 0
            || self.parallelism > MAX_PARALLELISM
            || self.memory_kib < 8 * self.parallelism
            || u64::from(self.memory_kib) * u64::from(self.iterations) > MAX_WORK_KIB
        {
            return Err(CryptoError::KdfOutOfRange(format!(
                "m={} KiB, t={}, p={} (limits: m ≤ {MAX_MEMORY_KIB}, t ≤ {MAX_ITERATIONS}, 1 ≤ p ≤ {MAX_PARALLELISM}, m × t ≤ {MAX_WORK_KIB})",
                self.memory_kib, self.iterations, self.parallelism
            )));
        }
        Ok(())
    }

    fn argon2(&self) -> Result<Argon2<'static>> {
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|e| CryptoError::KdfOutOfRange(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// A fresh random salt.
pub fn generate_salt() -> Result<[u8; SALT_LEN]> {
    random_array::<SALT_LEN>()
}

/// The two keys that come out of a passphrase and a secret key.
pub struct DerivedKeys {
    /// Wraps and unwraps the KEK. Never leaves the client.
    pub unlock_key: SymmetricKey,
    /// Proves knowledge of passphrase and secret key to the Vault. Sent at sign-up and login;
    /// the Vault stores only a hash of it.
    pub auth_key: SymmetricKey,
}

impl DerivedKeys {
    /// The auth key as the base64url string sent to the Vault.
    pub fn auth_key_text(&self) -> String {
        to_base64url(self.auth_key.expose())
    }
}

/// Runs Argon2id then HKDF. Checks the parameters first, so a downgraded or hostile set never
/// reaches Argon2.
pub fn derive_keys(
    passphrase: &[u8],
    salt: &[u8],
    secret_key: &SecretKey,
    params: &KdfParams,
) -> Result<DerivedKeys> {
    let stretched = stretch(passphrase, salt, params)?;
    expand_keys(&stretched, secret_key)
}

/// The Argon2id half of [`derive_keys`]: the stretched passphrase, which alone opens nothing
/// (the secret key is HKDF's salt in [`expand_keys`]). Split out so that a browser can run it
/// in a Worker that never sees the secret key, and for the key schedules that combine it with
/// another secret (a share link's). Checks the parameters and salt first.
pub fn stretch(
    passphrase: &[u8],
    salt: &[u8],
    params: &KdfParams,
) -> Result<Zeroizing<[u8; KEY_LEN]>> {
    params.check()?;
    if salt.len() != SALT_LEN {
        return Err(CryptoError::WrongLength {
            what: "salt",
            expected: SALT_LEN,
            found: salt.len(),
        });
    }
    let mut stretched = Zeroizing::new([0u8; KEY_LEN]);
    params
        .argon2()?
        .hash_password_into(passphrase, salt, stretched.as_mut_slice())
        .map_err(|e| CryptoError::KdfOutOfRange(e.to_string()))?;
    Ok(stretched)
}

/// The HKDF half of [`derive_keys`]: the unlock and auth keys from the stretched passphrase
/// and the secret key.
pub fn expand_keys(stretched: &[u8; KEY_LEN], secret_key: &SecretKey) -> Result<DerivedKeys> {
    let hkdf = Hkdf::<Sha256>::new(Some(secret_key.as_bytes()), stretched.as_slice());
    Ok(DerivedKeys {
        unlock_key: expand(&hkdf, b"covault/v1/unlock-key")?,
        auth_key: expand(&hkdf, b"covault/v1/auth-key")?,
    })
}

fn expand(hkdf: &Hkdf<Sha256>, info: &[u8]) -> Result<SymmetricKey> {
    let mut okm = Zeroizing::new([0u8; KEY_LEN]);
    hkdf.expand(info, okm.as_mut_slice())
        .map_err(|_| CryptoError::KdfOutOfRange("HKDF output length".into()))?;
    Ok(SymmetricKey::from_bytes(*okm))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(memory_kib: u32, iterations: u32, parallelism: u32) -> KdfParams {
        KdfParams {
            memory_kib,
            iterations,
            parallelism,
        }
    }

    #[test]
    fn floor_refuses_downgrades_with_kdf_too_weak() {
        assert_eq!(
            params(19 * 1024 - 1, 3, 1).check().unwrap_err().code(),
            "KdfTooWeak"
        );
        assert_eq!(
            params(64 * 1024, 1, 1).check().unwrap_err().code(),
            "KdfTooWeak"
        );
        assert!(params(19 * 1024, 2, 1).check().is_ok());
    }

    #[test]
    fn hostile_costs_are_out_of_range() {
        assert_eq!(
            params(u32::MAX, 3, 4).check().unwrap_err().code(),
            "KdfOutOfRange"
        );
        assert_eq!(
            params(64 * 1024, 1000, 4).check().unwrap_err().code(),
            "KdfOutOfRange"
        );
        assert_eq!(
            params(64 * 1024, 3, 0).check().unwrap_err().code(),
            "KdfOutOfRange"
        );
        // Each limit alone is within bounds here, but together they exceed the work ceiling.
        assert_eq!(
            params(256 * 1024, 16, 4).check().unwrap_err().code(),
            "KdfOutOfRange"
        );
        assert!(params(256 * 1024, 4, 4).check().is_ok());
        assert!(params(64 * 1024, 16, 4).check().is_ok());
        assert_eq!(
            params(257 * 1024, 2, 4).check().unwrap_err().code(),
            "KdfOutOfRange"
        );
    }

    #[test]
    fn default_is_m64mib_t3_p4() {
        assert_eq!(KdfParams::default(), params(65536, 3, 4));
        assert!(KdfParams::default().check().is_ok());
    }
}
