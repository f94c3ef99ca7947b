//! X25519 keypairs: one per connection and side, the private half stored only wrapped.

use core::fmt;

use x25519_dalek::StaticSecret;

use super::encoding::{from_base64url_array, to_base64url};
use super::error::Result;
use super::random::{new_id, random_secret};

/// An X25519 public key; its text form is 43 characters of base64url.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// Parses the base64url text form.
    pub fn parse(text: &str) -> Result<Self> {
        Ok(PublicKey(from_base64url_array::<32>(text, "public key")?))
    }

    /// From raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        PublicKey(bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_base64url(&self.0))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

/// A keypair with its client-made id, which wrapping binds into the associated data.
/// The private key zeroizes on drop (x25519-dalek's `StaticSecret`).
pub struct KeyPair {
    id: String,
    secret: StaticSecret,
    public: PublicKey,
}

impl KeyPair {
    /// A fresh keypair with a fresh id.
    pub fn generate() -> Result<Self> {
        Self::generate_with_id(&new_id()?)
    }

    /// A fresh keypair under an id the caller chose.
    pub fn generate_with_id(id: &str) -> Result<Self> {
        let bytes = random_secret::<32>()?;
        Ok(Self::from_secret_bytes(id, *bytes))
    }

    /// Rebuilds a keypair from its private key bytes (after unwrapping, or from test vectors).
    pub fn from_secret_bytes(id: &str, bytes: [u8; 32]) -> Self {
        let secret = StaticSecret::from(bytes);
        let public = PublicKey(x25519_dalek::PublicKey::from(&secret).to_bytes());
        KeyPair {
            id: id.to_owned(),
            secret,
            public,
        }
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    /// The private key bytes, for wrapping and HPKE only.
    pub(crate) fn secret_bytes(&self) -> &[u8; 32] {
        self.secret.as_bytes()
    }

    /// Raw X25519 (RFC 7748) with a peer's public key. Exposed for the known-answer tests and
    /// benchmarks; covault itself only uses X25519 inside HPKE.
    pub fn diffie_hellman(&self, peer: &PublicKey) -> zeroize::Zeroizing<[u8; 32]> {
        let shared = self
            .secret
            .diffie_hellman(&x25519_dalek::PublicKey::from(peer.0));
        zeroize::Zeroizing::new(shared.to_bytes())
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("id", &self.id)
            .field("public", &self.public)
            .field("secret", &"<redacted>")
            .finish()
    }
}
