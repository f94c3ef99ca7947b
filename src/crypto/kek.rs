//! The key encryption key: random, wrapped by the unlock key, and wrapping everything else.
//!
//! Because the KEK is random rather than derived, changing the passphrase re-wraps this one key
//! and nothing else. Every wrap binds the owner's user id and the wrapped key's id, so the Vault
//! cannot hand Alice's wrapped DEK to Bob, or swap one DEK for another, without `Integrity`.

use super::aead::SymmetricKey;
use super::context::{Context, LABEL_DEK, LABEL_KEK, LABEL_KEPT_SHARE_DEK, LABEL_KEYPAIR};
use super::dek::Dek;
use super::envelope::Envelope;
use super::error::Result;
use super::kdf::DerivedKeys;
use super::keypair::KeyPair;
use super::share::ShareBinding;
use zeroize::Zeroizing;

/// A user's KEK, tied to the user id it was made for.
pub struct Kek {
    owner: String,
    key: SymmetricKey,
}

impl Kek {
    /// A fresh random KEK for the user `owner`.
    pub fn generate(owner: &str) -> Result<Self> {
        Ok(Kek {
            owner: owner.to_owned(),
            key: SymmetricKey::generate()?,
        })
    }

    /// A KEK from known key bytes: for fixtures and for tests that must find (or not find) the
    /// key's bytes somewhere. Applications generate KEKs instead.
    pub fn from_bytes(owner: &str, bytes: [u8; 32]) -> Self {
        Kek {
            owner: owner.to_owned(),
            key: SymmetricKey::from_bytes(bytes),
        }
    }

    /// The user id the KEK is bound to.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Wraps this KEK under the unlock key, for the Vault to store.
    pub fn wrap(&self, keys: &DerivedKeys) -> Result<Envelope> {
        keys.unlock_key
            .wrap(self.key.expose(), &kek_context(&self.owner))
    }

    /// Unwraps the KEK of `owner` with the unlock key.
    pub fn unwrap(keys: &DerivedKeys, owner: &str, wrapped: &Envelope) -> Result<Self> {
        Self::unwrap_with_unlock_key(&keys.unlock_key, owner, wrapped)
    }

    /// Unwraps the KEK with a saved unlock key (a native client that keeps one between runs).
    pub fn unwrap_with_unlock_key(
        unlock_key: &SymmetricKey,
        owner: &str,
        wrapped: &Envelope,
    ) -> Result<Self> {
        Ok(Kek {
            owner: owner.to_owned(),
            key: unlock_key.unwrap_key(wrapped, &kek_context(owner))?,
        })
    }

    /// Wraps a DEK, binding its id and this KEK's owner.
    pub fn wrap_dek(&self, dek: &Dek) -> Result<Envelope> {
        self.key
            .wrap(dek.key().expose(), &self.context(LABEL_DEK, dek.id()))
    }

    /// Unwraps the DEK `dek_id`.
    pub fn unwrap_dek(&self, dek_id: &str, wrapped: &Envelope) -> Result<Dek> {
        let key = self
            .key
            .unwrap_key(wrapped, &self.context(LABEL_DEK, dek_id))?;
        Ok(Dek::from_key(dek_id, key))
    }

    /// Wraps a keypair's private key, binding its id and this KEK's owner.
    pub fn wrap_keypair(&self, keypair: &KeyPair) -> Result<Envelope> {
        self.key.wrap(
            keypair.secret_bytes(),
            &self.context(LABEL_KEYPAIR, keypair.id()),
        )
    }

    /// Unwraps the private key of keypair `keypair_id`; the public key is recomputed from it.
    pub fn unwrap_keypair(&self, keypair_id: &str, wrapped: &Envelope) -> Result<KeyPair> {
        let key = self
            .key
            .unwrap_key(wrapped, &self.context(LABEL_KEYPAIR, keypair_id))?;
        let bytes = Zeroizing::new(*key.expose());
        Ok(KeyPair::from_secret_bytes(keypair_id, *bytes))
    }

    /// Wraps the sender's own copy of a v2 share DEK, binding the share's terms: unwrapping it
    /// checks what the Vault shows about the share, and it can never pass for an item DEK.
    pub fn wrap_share_dek(&self, dek: &Dek, binding: &ShareBinding<'_>) -> Result<Envelope> {
        self.key
            .wrap(dek.key().expose(), &self.share_dek_context(binding))
    }

    /// Unwraps a share DEK kept by [`Kek::wrap_share_dek`] for exactly `binding`.
    pub fn unwrap_share_dek(&self, binding: &ShareBinding<'_>, wrapped: &Envelope) -> Result<Dek> {
        let key = self
            .key
            .unwrap_key(wrapped, &self.share_dek_context(binding))?;
        Ok(Dek::from_key(binding.share_id, key))
    }

    /// Seals a record of the owner's (the account record, the device state) under `label`.
    pub fn seal_record(&self, label: &str, plaintext: &[u8]) -> Result<Envelope> {
        self.key
            .seal(plaintext, &Context::new(label, &[self.owner.as_bytes()]))
    }

    /// Opens a record sealed by [`Kek::seal_record`] under the same label.
    pub fn open_record(&self, label: &str, sealed: &Envelope) -> Result<Zeroizing<Vec<u8>>> {
        self.key
            .open(sealed, &Context::new(label, &[self.owner.as_bytes()]))
    }

    fn share_dek_context(&self, binding: &ShareBinding<'_>) -> Context {
        let inner = binding.context(LABEL_KEPT_SHARE_DEK);
        Context::new(
            LABEL_KEPT_SHARE_DEK,
            &[self.owner.as_bytes(), inner.as_bytes()],
        )
    }

    fn context(&self, label: &str, id: &str) -> Context {
        Context::new(label, &[self.owner.as_bytes(), id.as_bytes()])
    }
}

fn kek_context(owner: &str) -> Context {
    Context::new(LABEL_KEK, &[owner.as_bytes()])
}

impl core::fmt::Debug for Kek {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Kek")
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}
