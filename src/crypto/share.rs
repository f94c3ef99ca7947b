//! Sealing a share DEK to a connection peer with HPKE (RFC 9180).
//!
//! Suite: DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, single-shot. `info` is the
//! share [`Context`]: the share id and the connection id. Auth mode is the normal path: the
//! sender's connection private key authenticates the sealed DEK, so a share the Vault (or anyone
//! but the peer) made fails to open with `Integrity`. Base mode seals anonymously.

use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, HpkeError, Kem, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

use super::aead::SymmetricKey;
use super::context::{Context, LABEL_SHARE_ACCEPTED, LABEL_SHARE_REJECTED, LABEL_SHARE_V2};
use super::dek::Dek;
use super::envelope::{Algorithm, Envelope};
use super::error::{CryptoError, Result};
use super::keypair::{KeyPair, PublicKey};

type SuiteKem = X25519HkdfSha256;
type KemPrivate = <SuiteKem as Kem>::PrivateKey;
type KemPublic = <SuiteKem as Kem>::PublicKey;
type KemEncapped = <SuiteKem as Kem>::EncappedKey;

/// Who the recipient learns the sealed data came from.
#[derive(Debug, Clone, Copy)]
pub enum Sender<'a> {
    /// HPKE Auth mode: authenticated by the sender's keypair.
    Auth(&'a KeyPair),
    /// HPKE Base mode: anonymous.
    Anonymous,
}

/// Whom the recipient expects the sealed data to come from.
#[derive(Debug, Clone, Copy)]
pub enum ExpectedSender<'a> {
    /// HPKE Auth mode: only this public key's owner can have sealed it.
    Auth(&'a PublicKey),
    /// HPKE Base mode.
    Anonymous,
}

/// Seals `plaintext` to `recipient` with `info`.
pub fn seal(
    plaintext: &[u8],
    recipient: &PublicKey,
    sender: Sender<'_>,
    info: &Context,
) -> Result<Envelope> {
    let pk_recip = kem_public(recipient)?;
    let mode = match sender {
        Sender::Auth(keypair) => {
            OpModeS::Auth((kem_private(keypair)?, kem_public(&keypair.public_key())?))
        }
        Sender::Anonymous => OpModeS::Base,
    };
    let (encapped, ciphertext) = hpke::single_shot_seal::<AesGcm256, HkdfSha256, SuiteKem>(
        &mode,
        &pk_recip,
        info.as_bytes(),
        plaintext,
        b"",
    )
    .map_err(map_seal_error)?;
    Envelope::new(
        Algorithm::HpkeX25519A256Gcm,
        encapped.to_bytes().to_vec(),
        ciphertext,
    )
}

/// Opens an envelope sealed to `recipient`; fails with `Integrity` for any other sender, info
/// or key, or any tampering.
pub fn open(
    envelope: &Envelope,
    recipient: &KeyPair,
    sender: ExpectedSender<'_>,
    info: &Context,
) -> Result<Zeroizing<Vec<u8>>> {
    envelope.expect(Algorithm::HpkeX25519A256Gcm, None)?;
    let encapped = KemEncapped::from_bytes(envelope.header())
        .map_err(|_| CryptoError::Malformed("encapsulated key"))?;
    let mode = match sender {
        ExpectedSender::Auth(public) => OpModeR::Auth(kem_public(public)?),
        ExpectedSender::Anonymous => OpModeR::Base,
    };
    hpke::single_shot_open::<AesGcm256, HkdfSha256, SuiteKem>(
        &mode,
        &kem_private(recipient)?,
        &encapped,
        info.as_bytes(),
        envelope.ciphertext(),
        b"",
    )
    .map(Zeroizing::new)
    .map_err(|_| CryptoError::Integrity)
}

/// Seals a share DEK for the share `share_id` on connection `connection_id`.
pub fn seal_dek(
    dek: &Dek,
    recipient: &PublicKey,
    sender: Sender<'_>,
    share_id: &str,
    connection_id: &str,
) -> Result<Envelope> {
    seal(
        dek.key().expose(),
        recipient,
        sender,
        &Context::share(share_id, connection_id),
    )
}

/// Opens a sealed share DEK; the DEK takes the share's id.
pub fn open_dek(
    envelope: &Envelope,
    recipient: &KeyPair,
    sender: ExpectedSender<'_>,
    share_id: &str,
    connection_id: &str,
) -> Result<Dek> {
    envelope.expect(Algorithm::HpkeX25519A256Gcm, Some(32))?;
    let bytes = open(
        envelope,
        recipient,
        sender,
        &Context::share(share_id, connection_id),
    )?;
    Ok(Dek::from_key(share_id, SymmetricKey::from_slice(&bytes)?))
}

fn kem_public(key: &PublicKey) -> Result<KemPublic> {
    KemPublic::from_bytes(key.as_bytes()).map_err(|_| CryptoError::InvalidPublicKey)
}

fn kem_private(keypair: &KeyPair) -> Result<KemPrivate> {
    KemPrivate::from_bytes(keypair.secret_bytes()).map_err(|_| CryptoError::InvalidPublicKey)
}

fn map_seal_error(error: HpkeError) -> CryptoError {
    match error {
        // An all-zero shared secret: the recipient or sender key is a low-order point.
        HpkeError::EncapError | HpkeError::ValidationError => CryptoError::InvalidPublicKey,
        _ => CryptoError::Integrity,
    }
}

/// Everything about a share that its two parties agree on and the Vault must not change: who
/// sends it to whom on which connection, until when, on what terms. A v2 share binds all of it
/// into the sealed DEK's HPKE `info`, the sender's kept DEK and the acceptance receipt, so a
/// Vault that rewrites any of it makes each of them fail with `Integrity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareBinding<'a> {
    /// The share.
    pub share_id: &'a str,
    /// The connection it travels on.
    pub connection_id: &'a str,
    /// The sender's user id.
    pub sender_id: &'a str,
    /// The recipient's user id.
    pub recipient_id: &'a str,
    /// Expiry, milliseconds since the Unix epoch.
    pub expires_at_ms: Option<i64>,
    /// The terms the recipient is shown.
    pub terms: Option<&'a str>,
    /// Whether the recipient must accept before reading.
    pub acceptance_required: bool,
    /// What a v3 share (covault 0.3) binds besides; `None` for a v2 share.
    pub v3: Option<V3Terms<'a>>,
}

/// The terms a v3 share binds on top of v2's: whether the recipient may share it on, and
/// which share it was itself shared on from. Bound like the rest, so a Vault that grants
/// on-sharing, withdraws it, or hangs a share under another parent breaks every opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct V3Terms<'a> {
    /// The recipient may share the copy on to their own connections.
    pub on_sharing: bool,
    /// For an on-share: the share it was made from.
    pub parent_share_id: Option<&'a str>,
}

/// Marks a v3 binding's extra parts, so no v2 context can ever equal a v3 one.
const V3_MARKER: &[u8] = b"covault/v3/share-terms";

impl ShareBinding<'_> {
    /// The associated data under `label`: every field, length-prefixed, absent ones marked;
    /// a v3 binding appends a marker and its own terms.
    pub fn context(&self, label: &str) -> Context {
        let expires = self.expires_at_ms.map(i64::to_be_bytes);
        let flags = [
            u8::from(expires.is_some()),
            u8::from(self.terms.is_some()),
            u8::from(self.acceptance_required),
        ];
        let mut parts: Vec<&[u8]> = vec![
            self.share_id.as_bytes(),
            self.connection_id.as_bytes(),
            self.sender_id.as_bytes(),
            self.recipient_id.as_bytes(),
            &flags[0..1],
            expires.as_ref().map_or(&[][..], |e| &e[..]),
            &flags[1..2],
            self.terms.unwrap_or_default().as_bytes(),
            &flags[2..3],
        ];
        let v3_flags;
        if let Some(v3) = &self.v3 {
            v3_flags = [
                u8::from(v3.on_sharing),
                u8::from(v3.parent_share_id.is_some()),
            ];
            parts.extend([
                V3_MARKER,
                &v3_flags[..],
                v3.parent_share_id.unwrap_or_default().as_bytes(),
            ]);
        }
        Context::new(label, &parts)
    }
}

/// Seals a v2 share DEK: Auth mode, `info` binding everything in `binding`.
pub fn seal_bound_dek(
    dek: &Dek,
    recipient: &PublicKey,
    sender: &KeyPair,
    binding: &ShareBinding<'_>,
) -> Result<Envelope> {
    seal(
        dek.key().expose(),
        recipient,
        Sender::Auth(sender),
        &binding.context(LABEL_SHARE_V2),
    )
}

/// Opens a v2 share DEK: only `sender` can have sealed it, for exactly `binding`.
pub fn open_bound_dek(
    envelope: &Envelope,
    recipient: &KeyPair,
    sender: &PublicKey,
    binding: &ShareBinding<'_>,
) -> Result<Dek> {
    envelope.expect(Algorithm::HpkeX25519A256Gcm, Some(32))?;
    let bytes = open(
        envelope,
        recipient,
        ExpectedSender::Auth(sender),
        &binding.context(LABEL_SHARE_V2),
    )?;
    Ok(Dek::from_key(
        binding.share_id,
        SymmetricKey::from_slice(&bytes)?,
    ))
}

/// A recipient's answer to a share. Its receipt says the answer, and its context names the
/// answer and the exact terms answered, so a receipt for one answer or one set of terms is never
/// taken for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The recipient accepted the terms.
    Accepted,
    /// The recipient will not read the share.
    Rejected,
}

impl Answer {
    fn word_and_label(self) -> (&'static [u8], &'static str) {
        match self {
            Answer::Accepted => (b"accepted", LABEL_SHARE_ACCEPTED),
            Answer::Rejected => (b"rejected", LABEL_SHARE_REJECTED),
        }
    }
}

/// The receipt a recipient makes for its answer: only a holder of the share DEK can make it,
/// and it names the exact terms answered, so the sender can tell a real acceptance or rejection
/// from one the Vault claims.
pub fn receipt(dek: &Dek, binding: &ShareBinding<'_>, answer: Answer) -> Result<Envelope> {
    let (word, label) = answer.word_and_label();
    dek.encrypt(word, &binding.context(label))
}

/// Checks a receipt made by [`receipt`] for the same share DEK, binding and answer.
pub fn check_receipt(
    dek: &Dek,
    binding: &ShareBinding<'_>,
    receipt: &Envelope,
    answer: Answer,
) -> Result<()> {
    let (word, label) = answer.word_and_label();
    let opened = dek.decrypt(receipt, &binding.context(label))?;
    if opened.as_slice() == word {
        Ok(())
    } else {
        Err(CryptoError::Integrity)
    }
}
