//! Shares. The share DEK is sealed to the connection's *pinned* peer key, with the parties,
//! expiry, terms and acceptance setting bound into the HPKE `info` and into the sender's kept
//! copy of the DEK; the copy is a versioned sealed record; an acceptance is a receipt only the
//! recipient can make. So both sides see exactly what the sender sealed, or an error.

use std::collections::BTreeMap;

use super::{Session, env};
use crate::api::{AcceptShare, Direction, NewDek, NewShare, Share, ShareUpdate};
use crate::client::clock::{now_ms, parse_rfc3339_ms};
use crate::client::error::ClientError;
use crate::client::models::{PlainItem, ShareError, ShareOptions, ShareView};
use crate::client::transport::Transport;
use crate::crypto::share::{self as hpke, ExpectedSender};
use crate::crypto::{
    CryptoError, Dek, KeyPair, PublicKey, RecordKind, SealedRecord, ShareBinding, new_id, record,
};

/// Shares per page when listing.
const PAGE: u32 = 200;
/// The most pages a listing follows: a Vault that hands out cursors forever is cut off.
const MAX_PAGES: usize = 1000;

/// What the listed share's parties and terms are, as the Vault shows them, to be checked
/// against what was sealed.
fn binding(share: &Share) -> Result<ShareBinding<'_>, ClientError> {
    Ok(ShareBinding {
        share_id: &share.id,
        connection_id: &share.connection_id,
        sender_id: &share.sender_id,
        recipient_id: &share.recipient_id,
        expires_at_ms: share
            .expires_at
            .as_deref()
            .map(|t| parse_rfc3339_ms("expires_at", t))
            .transpose()?,
        terms: share.terms.as_deref(),
        acceptance_required: share.acceptance_required,
    })
}

/// Tries the v2 form, then the original one: a v2 key never opens as v1, so a Vault that
/// rewrote a v2 share's terms fails both ways.
fn v2_or_legacy(
    v2: Result<Dek, CryptoError>,
    legacy: impl FnOnce() -> Result<Dek, CryptoError>,
) -> Result<(Dek, bool), ClientError> {
    match v2 {
        Ok(dek) => Ok((dek, false)),
        Err(CryptoError::Integrity) => Ok((legacy()?, true)),
        Err(other) => Err(other.into()),
    }
}

/// Whether a share's acceptance is proven: a claimed acceptance without a receipt that opens
/// under the share DEK for these exact terms is the Vault's invention.
fn proven_acceptance(share: &Share, dek: &Dek, legacy: bool) -> Result<bool, ClientError> {
    match (&share.accepted_at, &share.acceptance) {
        (None, _) => Ok(false),
        (Some(_), None) if legacy => Ok(true),
        (Some(_), None) => Err(ClientError::Integrity(
            "the Vault says the share was accepted but shows no receipt".into(),
        )),
        (Some(_), Some(receipt)) => {
            hpke::check_acceptance_receipt(dek, &binding(share)?, &env(receipt)?).map_err(
                |_| ClientError::Integrity("the share's acceptance receipt is not genuine".into()),
            )?;
            Ok(true)
        }
    }
}

fn failed(share: Share, error: &ClientError) -> ShareView {
    ShareView {
        share,
        accepted: false,
        legacy: false,
        item: None,
        error: Some(ShareError {
            code: error.code().to_owned(),
            message: error.to_string(),
        }),
    }
}

/// What checking a listing needs once: the kept DEKs (outgoing) or each connection's keys
/// (incoming).
#[derive(Default)]
struct ListKeys {
    kept: BTreeMap<String, String>,
    /// Connection id → our keypair and the pinned peer key (few: a list, not a map).
    connections: Vec<(String, (KeyPair, PublicKey))>,
}

impl<T: Transport + Clone> Session<T> {
    /// Every live share in one direction, newest first, as the Vault lists them (unchecked).
    pub(super) async fn share_pages(
        &self,
        direction: Direction,
    ) -> Result<Vec<Share>, ClientError> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        let mut seen: Vec<String> = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = self.api.shares(direction, PAGE, cursor.as_deref()).await?;
            out.extend(page.shares);
            match page.next_cursor {
                Some(next) if !seen.contains(&next) => {
                    seen.push(next.clone());
                    cursor = Some(next);
                }
                Some(_) => {
                    return Err(ClientError::Protocol(
                        "the Vault repeated a page cursor".into(),
                    ));
                }
                None => return Ok(out),
            }
        }
        Err(ClientError::Protocol(format!(
            "the Vault's share list goes on past {MAX_PAGES} pages"
        )))
    }

    /// Shares an item with the pinned peer of a connection: a fresh share DEK, the item sealed
    /// under it as version 1 of the copy, the DEK sealed to the peer in HPKE Auth mode with the
    /// options bound in, and kept (wrapped under our KEK, bound the same way) for updates.
    pub async fn share_item(
        &self,
        item_id: &str,
        connection_id: &str,
        options: &ShareOptions,
    ) -> Result<Share, ClientError> {
        let item = self.get_item(item_id).await?;
        let pin = self.pinned(connection_id).await?;
        let keypair = self.my_keypair(&pin).await?;
        let peer = PublicKey::parse(&pin.peer_public_key)?;
        let expires_at_ms = options
            .expires_at
            .as_deref()
            .map(|t| parse_rfc3339_ms("expiresAt", t))
            .transpose()?;
        if expires_at_ms.is_some_and(|at| at <= now_ms()) {
            return Err(ClientError::InvalidInput("expiresAt is in the past".into()));
        }
        let share_id = new_id()?;
        let bound = ShareBinding {
            share_id: &share_id,
            connection_id,
            sender_id: &self.user.id,
            recipient_id: &pin.peer_user_id,
            expires_at_ms,
            terms: options.terms.as_deref(),
            acceptance_required: options.acceptance_required,
        };
        let dek = Dek::generate_with_id(&share_id)?;
        let copy = record::seal(
            &dek,
            RecordKind::SharedCopy,
            &share_id,
            1,
            &item.label,
            &item.slots,
        )?;
        let share = self
            .api
            .create_share(&NewShare {
                id: share_id.clone(),
                connection_id: connection_id.to_owned(),
                label: copy.label,
                slots: copy.slots,
                sealed_dek: hpke::seal_bound_dek(&dek, &peer, &keypair, &bound)?.to_string(),
                expires_at: options.expires_at.clone(),
                terms: options.terms.clone(),
                acceptance_required: options.acceptance_required,
                version: 1,
            })
            .await?;
        let kept = NewDek {
            id: share_id.clone(),
            wrapped_key: self.kek.wrap_share_dek(&dek, &bound)?.to_string(),
        };
        if let Err(error) = self.api.create_dek(&kept).await {
            // Nothing half-made: without its kept DEK the share could never be updated.
            let _ = self.api.delete_share(&share_id).await;
            return Err(error);
        }
        self.device.borrow_mut().saw_share(&share_id, 1);
        Ok(share)
    }

    /// The sender's kept share DEK, which unwraps only if the Vault shows the share's terms as
    /// they were sealed.
    fn open_as_sender(&self, share: &Share, wrapped: &str) -> Result<(Dek, bool), ClientError> {
        let wrapped = env(wrapped)?;
        v2_or_legacy(
            self.kek.unwrap_share_dek(&binding(share)?, &wrapped),
            || self.kek.unwrap_dek(&share.id, &wrapped),
        )
    }

    /// Our keys for an incoming share's connection, after checking that we are its recipient
    /// and its sender is the connection's pinned peer.
    async fn recipient_keys(&self, share: &Share) -> Result<(KeyPair, PublicKey), ClientError> {
        if share.recipient_id != self.user.id {
            return Err(ClientError::Integrity(
                "the Vault lists a share that is not for us as incoming".into(),
            ));
        }
        let pin = self.pinned(&share.connection_id).await?;
        if share.sender_id != pin.peer_user_id || share.sender_email != pin.peer_email {
            return Err(ClientError::KeyMismatch(
                "the share's sender is not this connection's pinned peer".into(),
            ));
        }
        Ok((
            self.my_keypair(&pin).await?,
            PublicKey::parse(&pin.peer_public_key)?,
        ))
    }

    /// Opens the sealed DEK of an incoming share: only the pinned peer can have sealed it, for
    /// exactly the terms shown. Refuses a share whose sealed expiry has passed.
    fn open_as_recipient(
        share: &Share,
        (keypair, peer): &(KeyPair, PublicKey),
    ) -> Result<(Dek, bool), ClientError> {
        let sealed = env(share
            .sealed_dek
            .as_deref()
            .ok_or(ClientError::NotAccepted)?)?;
        let bound = binding(share)?;
        if let (Some(at), Some(text)) = (bound.expires_at_ms, &share.expires_at)
            && at <= now_ms()
        {
            return Err(ClientError::Expired(text.clone()));
        }
        v2_or_legacy(hpke::open_bound_dek(&sealed, keypair, peer, &bound), || {
            hpke::open_dek(
                &sealed,
                keypair,
                ExpectedSender::Auth(peer),
                &share.id,
                &share.connection_id,
            )
        })
    }

    /// Decrypts a share's copy: exactly one write, not older than any seen here.
    fn open_copy(&self, share: &Share, dek: &Dek) -> Result<PlainItem, ClientError> {
        let (Some(label), Some(slots)) = (&share.label, &share.slots) else {
            return Err(ClientError::NotAccepted);
        };
        self.device.borrow().check_share(&share.id, share.version)?;
        let sealed = SealedRecord {
            label: label.clone(),
            slots: slots.clone(),
        };
        let opened = record::open(
            dek,
            RecordKind::SharedCopy,
            &share.id,
            share.version,
            &sealed,
        )?;
        self.device.borrow_mut().saw_share(&share.id, share.version);
        Ok(PlainItem {
            id: share.id.clone(),
            version: opened.version,
            label: opened.label,
            slots: opened.slots,
        })
    }

    /// Checks one share and, if `read`, decrypts its copy. `keys` caches what a list needs.
    async fn check(
        &self,
        share: Share,
        keys: &mut ListKeys,
        read: bool,
    ) -> Result<ShareView, ClientError> {
        let (dek, legacy) = if share.sender_id == self.user.id {
            let wrapped = match keys.kept.get(&share.id) {
                Some(wrapped) => wrapped.clone(),
                None => self.api.dek(&share.id).await?.wrapped_key,
            };
            self.open_as_sender(&share, &wrapped)?
        } else {
            let cached = keys
                .connections
                .iter()
                .position(|(id, _)| *id == share.connection_id);
            let found = match cached {
                Some(index) => {
                    // The sender check still applies to every share on the connection.
                    let pin = self.pin_of(&share.connection_id)?;
                    if share.sender_id != pin.peer_user_id
                        || share.sender_email != pin.peer_email
                        || share.recipient_id != self.user.id
                    {
                        return Err(ClientError::KeyMismatch(
                            "the share's sender is not this connection's pinned peer".into(),
                        ));
                    }
                    index
                }
                None => {
                    let found = self.recipient_keys(&share).await?;
                    keys.connections.push((share.connection_id.clone(), found));
                    keys.connections.len() - 1
                }
            };
            let (_, found) = keys
                .connections
                .get(found)
                .ok_or_else(|| ClientError::Protocol("connection keys vanished".into()))?;
            Self::open_as_recipient(&share, found)?
        };
        let accepted = proven_acceptance(&share, &dek, legacy)?;
        let recipient_must_accept =
            share.sender_id != self.user.id && share.acceptance_required && !accepted;
        let item = if read && !recipient_must_accept {
            Some(self.open_copy(&share, &dek)?)
        } else if read {
            return Err(ClientError::NotAccepted);
        } else {
            None
        };
        Ok(ShareView {
            share,
            accepted,
            legacy,
            item,
            error: None,
        })
    }

    /// Every live share in one direction, newest first, each checked (sender, keys, terms,
    /// acceptance) but not decrypted. A share that fails carries its error; the rest still come.
    pub async fn list_shares(&self, direction: Direction) -> Result<Vec<ShareView>, ClientError> {
        self.checked_list(direction, false).await
    }

    async fn checked_list(
        &self,
        direction: Direction,
        read: bool,
    ) -> Result<Vec<ShareView>, ClientError> {
        let shares = self.share_pages(direction).await?;
        let mut keys = ListKeys::default();
        if direction == Direction::Outgoing && !shares.is_empty() {
            for d in self.api.deks().await? {
                keys.kept.insert(d.id, d.wrapped_key);
            }
        }
        let mut out = Vec::with_capacity(shares.len());
        for share in shares {
            let ours = match direction {
                Direction::Incoming => share.recipient_id == self.user.id,
                Direction::Outgoing => share.sender_id == self.user.id,
            };
            if !ours {
                let error = ClientError::Integrity("the Vault lists a share not ours".into());
                out.push(failed(share, &error));
                continue;
            }
            let waiting = share.acceptance_required && share.accepted_at.is_none();
            if read && waiting {
                continue;
            }
            let copy = share.clone();
            out.push(match self.check(share, &mut keys, read).await {
                Ok(view) => view,
                Err(error) => failed(copy, &error),
            });
        }
        Ok(out)
    }

    /// Reads a share, as its recipient (the sealed DEK opens only if the pinned peer sealed it
    /// for these exact terms; an unaccepted share that needs acceptance is `NotAccepted`) or as
    /// its sender (the kept DEK).
    pub async fn read_share(&self, share_id: &str) -> Result<ShareView, ClientError> {
        let share = self.api.share(share_id).await?;
        self.check(share, &mut ListKeys::default(), true).await
    }

    /// Every live incoming share, decrypted, with two requests per page of 200 plus two per
    /// connection. Shares that still need acceptance are left out; a share that fails to open
    /// carries its error, so one bad share cannot block the others.
    pub async fn read_all_incoming(&self) -> Result<Vec<ShareView>, ClientError> {
        self.checked_list(Direction::Incoming, true).await
    }

    /// Accepts a share: checks its terms against what the sender sealed, then sends the
    /// receipt only the holder of the share DEK can make, naming those terms.
    pub async fn accept_share(&self, share_id: &str) -> Result<Share, ClientError> {
        let share = self.api.share(share_id).await?;
        let keys = self.recipient_keys(&share).await?;
        let (dek, _) = Self::open_as_recipient(&share, &keys)?;
        let receipt = hpke::acceptance_receipt(&dek, &binding(&share)?)?.to_string();
        let accepted = self
            .api
            .accept_share(share_id, &AcceptShare { receipt })
            .await?;
        if accepted.id != share_id {
            return Err(ClientError::Integrity(
                "the Vault answered the acceptance with another share".into(),
            ));
        }
        Ok(accepted)
    }

    /// Re-encrypts the latest version of `item_id` as the next version of the share's copy.
    pub async fn update_share(&self, share_id: &str, item_id: &str) -> Result<Share, ClientError> {
        let share = self.api.share(share_id).await?;
        if share.sender_id != self.user.id {
            return Err(ClientError::InvalidInput(
                "only the sender can update a share".into(),
            ));
        }
        let (dek, _) = self.open_as_sender(&share, &self.api.dek(share_id).await?.wrapped_key)?;
        self.device.borrow().check_share(share_id, share.version)?;
        let item = self.get_item(item_id).await?;
        let version = share.version.saturating_add(1);
        let copy = record::seal(
            &dek,
            RecordKind::SharedCopy,
            share_id,
            version,
            &item.label,
            &item.slots,
        )?;
        let updated = self
            .api
            .update_share(
                share_id,
                &ShareUpdate {
                    version,
                    label: copy.label,
                    slots: copy.slots,
                },
            )
            .await?;
        self.device.borrow_mut().saw_share(share_id, version);
        Ok(updated)
    }

    /// Deletes a share; either side may.
    pub async fn delete_share(&self, share_id: &str) -> Result<(), ClientError> {
        self.api.delete_share(share_id).await
    }
}
