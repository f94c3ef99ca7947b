//! Share links: a snapshot of an item for someone without an account, under a fresh 256-bit key
//! that lives only in the link's URL fragment (browsers never send the fragment to a server).
//!
//! ```text
//! fragment  cl1.<link id>.<K, 43 chars>[.<m>-<t>-<p>]   (the Argon2id params: a passphrase link)
//! access    = HKDF-SHA256(salt = link id, ikm = K, "covault/v1/link-access")     (sent to open)
//! salt      = HKDF-SHA256(salt = link id, ikm = K, "covault/v1/link-salt")[..16]
//! pw        = Argon2id(passphrase, salt; m, t, p)
//! P         = HKDF-SHA256(salt = K, ikm = pw, "covault/v1/link-passphrase-key")
//! proof     = HKDF-SHA256(salt = K, ikm = pw, "covault/v1/link-passphrase-proof") (sent to open)
//! inner     = AES-256-GCM_K(content; AAD "covault/v1/link" ‖ link id ‖ passphrase flag)
//! stored    = inner, or AES-256-GCM_P(inner's text; AAD "covault/v1/link-passphrase" ‖ link id)
//! ```
//!
//! The Vault stores hashes of `access` and `proof`: it answers only a client that holds the
//! fragment (so knowing a link id alone cannot burn its views), and it can count wrong
//! passphrases per link, while neither value lets it test passphrase guesses offline (both
//! depend on K, which it never sees).
//!
//! The sealed content carries the options (expiry, most views), the sender's identity and the
//! values, so a Vault that extends the options cannot make the recipient's client believe them.
//!
//! **Who sent it.** The fragment holder learns the sender's user id and email as the sender
//! sealed them, and that whoever made the link knew K; nothing else. The Vault cannot forge or
//! alter a link (it never has K), but anyone the URL reached could make another link naming any
//! sender: the recipient trusts the sender line exactly as far as the channel that brought the
//! URL. A link is not signed with a key of the sender's, since a recipient without an account has
//! no pinned key to check a signature against.

use std::collections::BTreeMap;

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::aead::{KEY_LEN, SymmetricKey};
use super::codec::{Reader, Writer};
use super::context::{Context, LABEL_LINK, LABEL_LINK_PASSPHRASE};
use super::encoding::{from_base64url_array, to_base64url};
use super::envelope::Envelope;
use super::error::{CryptoError, Result};
use super::kdf::{KdfParams, SALT_LEN, stretch};

/// The fragment's version prefix.
pub const FRAGMENT_VERSION: &str = "cl1";

/// The sealed content's format tag (version 1).
const CONTENT_TAG: u8 = 1;

/// Who made a link, as they sealed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSender {
    /// The sender's user id.
    pub user_id: String,
    /// The sender's account email.
    pub email: String,
}

/// Everything a link carries, sealed as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkContent {
    /// The link's id (also bound into the associated data).
    pub link_id: String,
    /// When it was made, milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// When it stops opening, milliseconds since the Unix epoch.
    pub expires_at_ms: i64,
    /// How many times the Vault may serve it, if limited.
    pub max_views: Option<u64>,
    /// Who made it.
    pub sender: LinkSender,
    /// The item's label.
    pub label: String,
    /// The slots shared (all of the item's, or the chosen ones): name → value.
    pub slots: BTreeMap<String, String>,
}

impl LinkContent {
    fn encode(&self) -> Result<Zeroizing<Vec<u8>>> {
        let (created, expires) = (ms(self.created_at_ms)?, ms(self.expires_at_ms)?);
        let mut w = Writer::new(CONTENT_TAG);
        w.str(&self.link_id).u64(created).u64(expires);
        w.bool(self.max_views.is_some())
            .u64(self.max_views.unwrap_or(0));
        w.str(&self.sender.user_id).str(&self.sender.email);
        w.str(&self.label).count(self.slots.len());
        for (name, value) in &self.slots {
            w.str(name).str(value);
        }
        Ok(Zeroizing::new(w.finish()))
    }

    fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, CONTENT_TAG)?;
        let link_id = r.str()?;
        let created_at_ms = signed(r.u64()?)?;
        let expires_at_ms = signed(r.u64()?)?;
        let (limited, max) = (r.bool()?, r.u64()?);
        let sender = LinkSender {
            user_id: r.str()?,
            email: r.str()?,
        };
        let label = r.str()?;
        let n = r.count(8)?;
        let mut slots = BTreeMap::new();
        for _ in 0..n {
            let name = r.str()?;
            slots.insert(name, r.str()?);
        }
        r.finish()?;
        if slots.len() != n {
            return Err(CryptoError::Malformed("sealed record"));
        }
        Ok(LinkContent {
            link_id,
            created_at_ms,
            expires_at_ms,
            max_views: limited.then_some(max),
            sender,
            label,
            slots,
        })
    }
}

fn ms(value: i64) -> Result<u64> {
    u64::try_from(value).map_err(|_| CryptoError::Malformed("a time before 1970"))
}

fn signed(value: u64) -> Result<i64> {
    i64::try_from(value).map_err(|_| CryptoError::Malformed("sealed record"))
}

/// What the URL fragment holds: the link id, the fragment key and, for a passphrase link, the
/// Argon2id parameters. `Debug` leaves the key out.
#[derive(Clone, PartialEq, Eq)]
pub struct Fragment {
    link_id: String,
    key: Zeroizing<[u8; KEY_LEN]>,
    passphrase_kdf: Option<KdfParams>,
}

impl Fragment {
    /// A fresh fragment for `link_id`: a new random key.
    pub fn generate(link_id: &str, passphrase_kdf: Option<KdfParams>) -> Result<Self> {
        let key = super::random::random_secret::<KEY_LEN>()?;
        Self::from_parts(link_id, *key, passphrase_kdf)
    }

    /// A fragment from known parts (fixtures and tests; applications use `generate`).
    pub fn from_parts(
        link_id: &str,
        key: [u8; KEY_LEN],
        passphrase_kdf: Option<KdfParams>,
    ) -> Result<Self> {
        check_link_id(link_id)?;
        if let Some(params) = passphrase_kdf {
            params.check()?;
        }
        Ok(Fragment {
            link_id: link_id.to_owned(),
            key: Zeroizing::new(key),
            passphrase_kdf,
        })
    }

    /// Parses the fragment (with or without a leading `#`) or a whole link URL, strictly.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let fragment = text.rsplit_once('#').map_or(text, |(_, f)| f);
        if fragment.len() > 256 {
            return Err(CryptoError::LinkFormat("the fragment is too long"));
        }
        let parts: Vec<&str> = fragment.split('.').collect();
        let (id, key, kdf) = match parts.as_slice() {
            [v, id, key] if *v == FRAGMENT_VERSION => (*id, *key, None),
            [v, id, key, kdf] if *v == FRAGMENT_VERSION => (*id, *key, Some(parse_kdf(kdf)?)),
            [v, ..] if *v != FRAGMENT_VERSION => {
                return Err(CryptoError::LinkFormat("no cl1 fragment"));
            }
            _ => return Err(CryptoError::LinkFormat("wrong number of parts")),
        };
        let key = from_base64url_array::<KEY_LEN>(key, "link key")
            .map_err(|_| CryptoError::LinkFormat("the key is not 32 bytes of base64url"))?;
        Self::from_parts(id, key, kdf)
    }

    /// The link id.
    pub fn link_id(&self) -> &str {
        &self.link_id
    }

    /// Whether the link also needs a passphrase.
    pub fn needs_passphrase(&self) -> bool {
        self.passphrase_kdf.is_some()
    }

    /// The fragment text (without `#`). It holds the key: it is the secret of the link.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut text = format!(
            "{FRAGMENT_VERSION}.{}.{}",
            self.link_id,
            to_base64url(self.key.as_slice())
        );
        if let Some(p) = self.passphrase_kdf {
            text.push_str(&format!(
                ".{}-{}-{}",
                p.memory_kib, p.iterations, p.parallelism
            ));
        }
        Zeroizing::new(text)
    }

    fn hkdf(&self) -> Hkdf<Sha256> {
        Hkdf::<Sha256>::new(Some(self.link_id.as_bytes()), self.key.as_slice())
    }

    /// Derives what opening needs: the access key and, for a passphrase link, the passphrase
    /// key and proof (Argon2id runs here). `InvalidInput`-like refusals are `LinkFormat`: a
    /// passphrase link without a passphrase, or a passphrase for a link that has none.
    pub fn unlock(&self, passphrase: Option<&[u8]>) -> Result<LinkUnlock> {
        let access = expand(&self.hkdf(), b"covault/v1/link-access")?;
        let passphrase = match (self.passphrase_kdf, passphrase) {
            (None, None) => None,
            (Some(params), Some(passphrase)) => {
                let salt = expand(&self.hkdf(), b"covault/v1/link-salt")?;
                let salt = salt.expose().get(..SALT_LEN).ok_or(CryptoError::Random)?;
                let pw = stretch(passphrase, salt, &params)?;
                let hk = Hkdf::<Sha256>::new(Some(self.key.as_slice()), pw.as_slice());
                Some((
                    expand(&hk, b"covault/v1/link-passphrase-key")?,
                    expand(&hk, b"covault/v1/link-passphrase-proof")?,
                ))
            }
            (Some(_), None) => return Err(CryptoError::LinkFormat("this link needs a passphrase")),
            (None, Some(_)) => return Err(CryptoError::LinkFormat("this link has no passphrase")),
        };
        Ok(LinkUnlock {
            link_id: self.link_id.clone(),
            key: SymmetricKey::from_bytes(*self.key),
            access,
            passphrase,
        })
    }
}

impl core::fmt::Debug for Fragment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Fragment")
            .field("link_id", &self.link_id)
            .field("passphrase", &self.passphrase_kdf.is_some())
            .finish_non_exhaustive()
    }
}

fn check_link_id(id: &str) -> Result<()> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(CryptoError::LinkFormat("the link id is malformed"))
    }
}

fn parse_kdf(text: &str) -> Result<KdfParams> {
    let bad = || CryptoError::LinkFormat("the passphrase parameters are malformed");
    let mut it = text.split('-').map(|n| {
        if n.is_empty() || n.len() > 10 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        n.parse::<u32>().map_err(|_| bad())
    });
    let (Some(m), Some(t), Some(p), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    Ok(KdfParams {
        memory_kib: m?,
        iterations: t?,
        parallelism: p?,
    })
}

fn expand(hkdf: &Hkdf<Sha256>, info: &[u8]) -> Result<SymmetricKey> {
    let mut okm = Zeroizing::new([0u8; KEY_LEN]);
    hkdf.expand(info, okm.as_mut_slice())
        .map_err(|_| CryptoError::KdfOutOfRange("HKDF output length".into()))?;
    Ok(SymmetricKey::from_bytes(*okm))
}

/// The keys that open one link, derived from its fragment (and passphrase).
pub struct LinkUnlock {
    link_id: String,
    key: SymmetricKey,
    access: SymmetricKey,
    passphrase: Option<(SymmetricKey, SymmetricKey)>,
}

impl LinkUnlock {
    /// The access key the Vault checks (it stores a hash), base64url.
    pub fn access_key(&self) -> String {
        to_base64url(self.access.expose())
    }

    /// The passphrase proof the Vault checks and counts failures of, base64url.
    pub fn passphrase_proof(&self) -> Option<String> {
        self.passphrase
            .as_ref()
            .map(|(_, proof)| to_base64url(proof.expose()))
    }

    fn inner_context(&self) -> Context {
        Context::new(
            LABEL_LINK,
            &[
                self.link_id.as_bytes(),
                &[u8::from(self.passphrase.is_some())],
            ],
        )
    }

    fn outer_context(&self) -> Context {
        Context::new(LABEL_LINK_PASSPHRASE, &[self.link_id.as_bytes()])
    }

    /// Seals `content` (whose link id must be this link's) as the ciphertext the Vault stores.
    pub fn seal(&self, content: &LinkContent) -> Result<Envelope> {
        if content.link_id != self.link_id {
            return Err(CryptoError::LinkFormat("the content names another link id"));
        }
        let inner = self.key.seal(&content.encode()?, &self.inner_context())?;
        match &self.passphrase {
            None => Ok(inner),
            Some((key, _)) => key.seal(inner.to_string().as_bytes(), &self.outer_context()),
        }
    }

    /// Opens a ciphertext the Vault served: `Integrity` for any other link's ciphertext, a
    /// wrong passphrase or any tampering. Whether it has expired is the caller's to judge.
    pub fn open(&self, ciphertext: &Envelope) -> Result<LinkContent> {
        let outer;
        let inner = match &self.passphrase {
            None => ciphertext,
            Some((key, _)) => {
                let text = key.open(ciphertext, &self.outer_context())?;
                let text = core::str::from_utf8(&text).map_err(|_| CryptoError::Integrity)?;
                outer = Envelope::parse(text)?;
                &outer
            }
        };
        let bytes = self.key.open(inner, &self.inner_context())?;
        let content = LinkContent::decode(&bytes)?;
        if content.link_id != self.link_id {
            return Err(CryptoError::Integrity);
        }
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0d9c3f7e-1111-4222-8333-444455556666";

    fn content() -> LinkContent {
        LinkContent {
            link_id: ID.into(),
            created_at_ms: 1_700_000_000_000,
            expires_at_ms: 1_700_000_600_000,
            max_views: Some(2),
            sender: LinkSender {
                user_id: "u".into(),
                email: "a@example.com".into(),
            },
            label: "Wifi".into(),
            slots: [("password".to_owned(), "hunter2".to_owned())].into(),
        }
    }

    #[test]
    fn round_trips_with_and_without_a_passphrase() {
        let plain = Fragment::from_parts(ID, [3; 32], None).expect("fragment");
        let unlock = plain.unlock(None).expect("unlock");
        let sealed = unlock.seal(&content()).expect("seal");
        let again = Fragment::parse(&format!("https://v.example/link.html#{}", *plain.to_text()))
            .expect("parse");
        assert_eq!(again, plain);
        assert_eq!(again.unlock(None).expect("u").open(&sealed), Ok(content()));
        assert_eq!(unlock.passphrase_proof(), None);

        let locked = Fragment::from_parts(ID, [3; 32], Some(KdfParams::FLOOR)).expect("fragment");
        let unlock = locked.unlock(Some(b"pass")).expect("unlock");
        let sealed = unlock.seal(&content()).expect("seal");
        let parsed = Fragment::parse(&locked.to_text()).expect("parse");
        assert!(parsed.needs_passphrase());
        assert_eq!(
            parsed.unlock(Some(b"pass")).expect("u").open(&sealed),
            Ok(content())
        );
        let wrong = parsed.unlock(Some(b"wrong")).expect("u");
        assert_ne!(wrong.passphrase_proof(), unlock.passphrase_proof());
        assert_eq!(wrong.access_key(), unlock.access_key());
        assert_eq!(wrong.open(&sealed), Err(CryptoError::Integrity));
        assert_eq!(
            parsed.unlock(None).map(|_| ()).unwrap_err().code(),
            "LinkFormat"
        );
    }

    #[test]
    fn another_key_or_id_or_a_flipped_bit_is_integrity() {
        let unlock = Fragment::from_parts(ID, [3; 32], None)
            .and_then(|f| f.unlock(None))
            .expect("unlock");
        let sealed = unlock.seal(&content()).expect("seal");
        let other_key = Fragment::from_parts(ID, [4; 32], None)
            .and_then(|f| f.unlock(None))
            .expect("unlock");
        assert_eq!(other_key.open(&sealed), Err(CryptoError::Integrity));
        let other_id = Fragment::from_parts("other", [3; 32], None)
            .and_then(|f| f.unlock(None))
            .expect("unlock");
        assert_eq!(other_id.open(&sealed), Err(CryptoError::Integrity));
        let mut bytes = sealed.ciphertext().to_vec();
        bytes[0] ^= 1;
        let flipped =
            Envelope::new(sealed.algorithm(), sealed.header().to_vec(), bytes).expect("env");
        assert_eq!(unlock.open(&flipped), Err(CryptoError::Integrity));
    }

    #[test]
    fn malformed_fragments_are_link_format_never_a_panic() {
        for bad in [
            "",
            "#",
            "cl1",
            "cl2.abc.AAAA",
            "cl1.abc",
            "cl1.ABC.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "cl1.abc.AAAA",
            "cl1.abc.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.1-2",
            "cl1.abc.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.x-2-1",
            "cl1.abc.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.1-2-3.4",
        ] {
            let err = Fragment::parse(bad).expect_err(bad);
            assert_eq!(err.code(), "LinkFormat", "{bad:?}: {err:?}");
        }
        // Parameters below the floor are the KDF's refusal, as for an account.
        let weak = Fragment::parse("cl1.abc.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.1024-1-1");
        assert_eq!(weak.unwrap_err().code(), "KdfTooWeak");
    }

    #[test]
    fn truncated_or_padded_content_is_malformed() {
        let bytes = content().encode().expect("encode");
        assert_eq!(LinkContent::decode(&bytes), Ok(content()));
        for cut in 0..bytes.len() {
            assert!(LinkContent::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut long = bytes.to_vec();
        long.push(0);
        assert!(LinkContent::decode(&long).is_err());
    }
}
