//! Share links, the sender's side: make a link from an item, list the links with the Vault's
//! view counts checked against what was sealed, revoke one.
//!
//! The sender keeps what it sealed (the options, the item, the slots) in a record sealed under
//! its KEK and stored with the link (`sender_record`), bound to the user and naming the link id,
//! so `listLinks` can tell when the Vault reports something else than was sealed.

use std::collections::BTreeMap;

use super::Session;
use crate::api::NewLink;
use crate::client::clock::{format_rfc3339_ms, now_ms, parse_rfc3339_ms};
use crate::client::error::ClientError;
use crate::client::links::{CreatedLink, LINK_PAGE, LinkOptions, LinkView};
use crate::client::models::ShareError;
use crate::client::transport::Transport;
use crate::crypto::codec::{Reader, Writer};
use crate::crypto::context::LABEL_LINK_KEPT;
use crate::crypto::link::{Fragment, LinkContent, LinkSender};
use crate::crypto::{Envelope, new_id};

const KEPT_TAG: u8 = 1;

/// How far this device's clock may run ahead of the Vault's before a ciphertext kept past the
/// expiry is flagged.
const CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// What the sender keeps of a link.
struct Kept {
    link_id: String,
    item_id: String,
    label: String,
    expires_at_ms: i64,
    max_views: Option<u32>,
    passphrase: bool,
    slots: Vec<String>,
}

impl Kept {
    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(KEPT_TAG);
        w.str(&self.link_id).str(&self.item_id).str(&self.label);
        w.u64(u64::try_from(self.expires_at_ms).unwrap_or_default());
        w.bool(self.max_views.is_some())
            .u64(self.max_views.map_or(0, u64::from));
        w.bool(self.passphrase).count(self.slots.len());
        for name in &self.slots {
            w.str(name);
        }
        w.finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, ClientError> {
        let mut r = Reader::new(bytes, KEPT_TAG)?;
        let (link_id, item_id, label) = (r.str()?, r.str()?, r.str()?);
        let expires_at_ms = i64::try_from(r.u64()?).unwrap_or(i64::MAX);
        let (limited, max) = (r.bool()?, r.u64()?);
        let passphrase = r.bool()?;
        let n = r.count(4)?;
        let slots = (0..n).map(|_| r.str()).collect::<Result<_, _>>()?;
        r.finish()?;
        Ok(Kept {
            link_id,
            item_id,
            label,
            expires_at_ms,
            max_views: limited.then(|| u32::try_from(max).unwrap_or(u32::MAX)),
            passphrase,
            slots,
        })
    }
}

impl<T: Transport + Clone> Session<T> {
    /// Makes a link to a snapshot of an item (all its slots, or `options.slots`): the item is
    /// read and checked, sealed under a fresh key that goes only into the returned URL's
    /// fragment, and stored on the Vault with the options it enforces.
    pub async fn create_link(
        &self,
        item_id: &str,
        options: &LinkOptions,
    ) -> Result<CreatedLink, ClientError> {
        let now = now_ms();
        let expires_at_ms = parse_rfc3339_ms("expiresAt", &options.expires_at)?;
        if expires_at_ms <= now {
            return Err(ClientError::InvalidInput("expiresAt is in the past".into()));
        }
        if options.max_views == Some(0) {
            return Err(ClientError::InvalidInput(
                "maxViews must be at least 1".into(),
            ));
        }
        if options.passphrase.as_deref() == Some("") {
            return Err(ClientError::InvalidInput("the passphrase is empty".into()));
        }
        let item = self.get_item(item_id).await?;
        let slots: BTreeMap<String, String> = match &options.slots {
            None => item.slots.clone(),
            Some(names) => {
                let mut chosen = BTreeMap::new();
                for name in names {
                    let value = item.slots.get(name).ok_or_else(|| {
                        ClientError::InvalidInput(format!(
                            "item {item_id} has no slot named {name:?}"
                        ))
                    })?;
                    chosen.insert(name.clone(), value.clone());
                }
                chosen
            }
        };
        let id = new_id()?;
        let kdf = options
            .passphrase
            .as_ref()
            .map(|_| options.passphrase_kdf.unwrap_or_default());
        let fragment = Fragment::generate(&id, kdf)?;
        self.api.transport().yield_now().await;
        let unlock = fragment.unlock(options.passphrase.as_deref().map(str::as_bytes))?;
        let content = LinkContent {
            link_id: id.clone(),
            created_at_ms: now,
            expires_at_ms,
            max_views: options.max_views.map(u64::from),
            sender: LinkSender {
                user_id: self.user.id.clone(),
                email: self.user.email.clone(),
            },
            label: item.label.clone(),
            slots,
        };
        let kept = Kept {
            link_id: id.clone(),
            item_id: item.id.clone(),
            label: item.label.clone(),
            expires_at_ms,
            max_views: options.max_views,
            passphrase: options.passphrase.is_some(),
            slots: content.slots.keys().cloned().collect(),
        };
        let expires_at = format_rfc3339_ms(expires_at_ms);
        self.api
            .create_link(&NewLink {
                id: id.clone(),
                ciphertext: unlock.seal(&content)?.to_string(),
                expires_at: expires_at.clone(),
                max_views: options.max_views,
                access_key: unlock.access_key(),
                passphrase_proof: unlock.passphrase_proof(),
                sender_record: self
                    .kek
                    .seal_record(LABEL_LINK_KEPT, &kept.encode())?
                    .to_string(),
            })
            .await?;
        let base = self.api.base_url().trim_end_matches('/');
        Ok(CreatedLink {
            url: format!("{base}/{LINK_PAGE}#{}", *fragment.to_text()),
            id,
            expires_at,
            max_views: options.max_views,
        })
    }

    /// The links this user made, as the Vault reports them (views included), each checked
    /// against what was sealed: a difference is reported in that link's `error`.
    pub async fn list_links(&self) -> Result<Vec<LinkView>, ClientError> {
        let now = now_ms();
        let mut out = Vec::new();
        for link in self.api.links().await? {
            let kept = Envelope::parse(&link.sender_record)
                .map_err(ClientError::from)
                .and_then(|env| Ok(self.kek.open_record(LABEL_LINK_KEPT, &env)?))
                .and_then(|bytes| Kept::decode(&bytes));
            let (kept, error) = match kept {
                Ok(kept) => {
                    let error = check(&link, &kept, now).err();
                    (Some(kept), error)
                }
                Err(e) => (None, Some(e)),
            };
            out.push(LinkView {
                item_id: kept.as_ref().map(|k| k.item_id.clone()),
                label: kept.as_ref().map(|k| k.label.clone()),
                slots: kept.map(|k| k.slots).unwrap_or_default(),
                link,
                error: error.map(|e| ShareError {
                    code: e.code().to_owned(),
                    message: e.to_string(),
                }),
            });
        }
        Ok(out)
    }

    /// Revokes a link: the Vault deletes it and its ciphertext.
    pub async fn revoke_link(&self, id: &str) -> Result<(), ClientError> {
        self.api.revoke_link(id).await
    }
}

/// The Vault's report of a link against what its sender sealed.
fn check(link: &crate::api::Link, kept: &Kept, now: i64) -> Result<(), ClientError> {
    let mismatch = |what: String| Err(ClientError::Integrity(what));
    if kept.link_id != link.id {
        return mismatch(format!(
            "the Vault shows the record of link {} as link {}",
            kept.link_id, link.id
        ));
    }
    let expires = parse_rfc3339_ms("expires_at", &link.expires_at)
        .map_err(|_| ClientError::Protocol("a link's expiry is not RFC 3339".into()))?;
    if expires != kept.expires_at_ms {
        return mismatch(format!(
            "the Vault reports expiry {}, the link was sealed with {}",
            link.expires_at,
            format_rfc3339_ms(kept.expires_at_ms)
        ));
    }
    if link.max_views != kept.max_views {
        return mismatch(format!(
            "the Vault reports a view limit of {:?}, the link was sealed with {:?}",
            link.max_views, kept.max_views
        ));
    }
    if link.passphrase != kept.passphrase {
        return mismatch("the Vault reports another passphrase setting than was sealed".into());
    }
    if let Some(max) = kept.max_views
        && link.views > max
    {
        return mismatch(format!(
            "the Vault served the link {} times; it was sealed for {max}",
            link.views
        ));
    }
    // Clocks differ: a link is "ended by time" here only well after its expiry, so a Vault
    // whose clock is a little behind this device's is not taken for one keeping a ciphertext.
    let expired = now >= kept.expires_at_ms.saturating_add(CLOCK_SKEW_MS);
    let ended = expired || kept.max_views.is_some_and(|m| link.views >= m);
    if ended && link.available {
        return mismatch("the Vault still holds the ciphertext of a link that has ended".into());
    }
    Ok(())
}
