//! Share links on the client: the types a sender and an opener see, and the account-less
//! opener. The link's key is in its URL fragment and never leaves this client; the Vault gets
//! only the access key (and passphrase proof) derived from it, and serves the ciphertext.
//!
//! The opener trusts nothing the Vault says about the link: the expiry and view limit it
//! judges are the ones sealed in the content, so a Vault that serves a link after its sealed
//! expiry gets `Expired`, and one that admits serving it more often than sealed gets
//! `Integrity`. What it cannot catch (a Vault serving a link beyond its views and lying about
//! the count) is documented in docs/security.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::api::Api;
use super::clock::{format_rfc3339_ms, now_ms};
use super::error::ClientError;
use super::models::ShareError;
use super::transport::Transport;
use crate::api::OpenLink;
use crate::crypto::link::Fragment;
use crate::crypto::{Envelope, KdfParams};

/// The page a link opens in, under the Vault's URL (the demo serves it from `www/`).
pub const LINK_PAGE: &str = "link.html";

/// Options for a new link.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkOptions {
    /// RFC 3339; after it the link never opens (required).
    pub expires_at: String,
    /// How many times it may be opened; absent: until it expires.
    #[serde(default)]
    pub max_views: Option<u32>,
    /// A second secret the sender tells the recipient another way.
    #[serde(default)]
    pub passphrase: Option<String>,
    /// Only these slots (absent: all of the item's).
    #[serde(default)]
    pub slots: Option<Vec<String>>,
    /// Argon2id parameters for the passphrase (absent: the default, m = 64 MiB, t = 3, p = 4).
    #[serde(default)]
    pub passphrase_kdf: Option<KdfParams>,
}

/// A link just made. `url` holds the key: give it only to the recipient.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedLink {
    /// The link id.
    pub id: String,
    /// The URL to send (the key is in its `#fragment`).
    pub url: String,
    /// RFC 3339.
    pub expires_at: String,
    /// The most views, if limited.
    pub max_views: Option<u32>,
}

/// A link as its sender lists it: what the Vault reports, checked against what was sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkView {
    /// The link as the Vault reports it (views as it counts them).
    pub link: crate::api::Link,
    /// The item the link was made from, as sealed.
    pub item_id: Option<String>,
    /// The item's label, as sealed.
    pub label: Option<String>,
    /// The slots it carries, as sealed.
    pub slots: Vec<String>,
    /// Set when the Vault's report differs from what was sealed (another expiry or view limit,
    /// more views than allowed, a ciphertext kept after the end): `Integrity`.
    pub error: Option<ShareError>,
}

/// A link opened by its recipient: the values and who sent them, as the sender sealed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenedLinkView {
    /// The link id.
    pub id: String,
    /// The item's label.
    pub label: String,
    /// Slot name → value.
    pub slots: BTreeMap<String, String>,
    /// The sender's user id, as sealed (see `crypto::link` for how far to trust it).
    pub sender_id: String,
    /// The sender's email, as sealed.
    pub sender_email: String,
    /// RFC 3339, as sealed.
    pub created_at: String,
    /// RFC 3339, as sealed.
    pub expires_at: String,
    /// The most views, as sealed.
    pub max_views: Option<u64>,
    /// Views so far, this one included, as the Vault counts them.
    pub views: u32,
}

/// The RFC 3339 time `ms` milliseconds from now by this device's clock (for "expires in 7
/// days").
pub fn rfc3339_in(ms: i64) -> String {
    format_rfc3339_ms(now_ms().saturating_add(ms))
}

/// Splits a link URL into the Vault's base URL and the fragment.
pub fn split_link_url(url: &str) -> Result<(String, Fragment), ClientError> {
    let url = url.trim();
    let (before, fragment) = url
        .split_once('#')
        .ok_or(crate::crypto::CryptoError::LinkFormat("no #fragment"))?;
    let before = before.split('?').next().unwrap_or(before);
    let base = before
        .strip_suffix(LINK_PAGE)
        .unwrap_or(before)
        .trim_end_matches('/');
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(crate::crypto::CryptoError::LinkFormat("not an http(s) URL").into());
    }
    Ok((base.to_owned(), Fragment::parse(fragment)?))
}

/// Opens a link without an account: derives the access key (and the passphrase proof, running
/// Argon2id), asks the Vault (which counts a view), opens the ciphertext and checks it against
/// this client's clock. `transport` points at the Vault (see [`split_link_url`]).
pub async fn open_link<T: Transport>(
    transport: T,
    fragment: &Fragment,
    passphrase: Option<&str>,
) -> Result<OpenedLinkView, ClientError> {
    let api = Api::new(transport);
    api.transport().yield_now().await;
    let unlock = fragment.unlock(passphrase.map(str::as_bytes))?;
    let served = api
        .open_link(
            fragment.link_id(),
            &OpenLink {
                access_key: unlock.access_key(),
                passphrase_proof: unlock.passphrase_proof(),
            },
        )
        .await
        .map_err(|e| match e {
            ClientError::NotFound(_) => ClientError::NotFound(
                "this link does not exist, has expired, was revoked or was opened as often as allowed"
                    .into(),
            ),
            other => other,
        })?;
    let content = unlock.open(&Envelope::parse(&served.ciphertext)?)?;
    if now_ms() >= content.expires_at_ms {
        return Err(ClientError::Expired(format_rfc3339_ms(
            content.expires_at_ms,
        )));
    }
    if content
        .max_views
        .is_some_and(|max| u64::from(served.views) > max)
    {
        return Err(ClientError::Integrity(format!(
            "the Vault served this link {} times; its sender allowed {}",
            served.views,
            content.max_views.unwrap_or_default()
        )));
    }
    Ok(OpenedLinkView {
        id: content.link_id,
        label: content.label,
        slots: content.slots,
        sender_id: content.sender.user_id,
        sender_email: content.sender.email,
        created_at: format_rfc3339_ms(content.created_at_ms),
        expires_at: format_rfc3339_ms(content.expires_at_ms),
        max_views: content.max_views,
        views: served.views,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vault_is_the_url_before_the_link_page() {
        let key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        for (url, base) in [
            (
                format!("https://v.example/link.html#cl1.a.{key}"),
                "https://v.example",
            ),
            (
                format!("https://v.example/vault/link.html?x=1#cl1.a.{key}"),
                "https://v.example/vault",
            ),
            (
                format!("http://127.0.0.1:8080/#cl1.a.{key}"),
                "http://127.0.0.1:8080",
            ),
        ] {
            let (got, fragment) = split_link_url(&url).expect("parses");
            assert_eq!((got.as_str(), fragment.link_id()), (base, "a"));
        }
        for bad in [
            format!("cl1.a.{key}"),
            format!("ftp://x/#cl1.a.{key}"),
            "https://v.example/".into(),
        ] {
            assert_eq!(
                split_link_url(&bad).map(|_| ()).unwrap_err().code(),
                "LinkFormat",
                "{bad}"
            );
        }
    }
}
