//! Shares. The share DEK is sealed to the connection's *pinned* peer key, with the parties,
//! expiry, terms and acceptance setting bound into the HPKE `info` and into the sender's kept
//! copy of the DEK; the copy is a versioned sealed record; an acceptance is a receipt only the
//! recipient can make. So both sides see exactly what the sender sealed, or an error.

use std::collections::BTreeMap;

use super::{PinnedConnection, Session, env};
use crate::api::{AcceptShare, Direction, NewShare, RejectShare, Share};
use crate::client::clock::{now_ms, parse_rfc3339_ms};
use crate::client::error::ClientError;
use crate::client::models::{PlainItem, ShareError, ShareOptions, ShareSource, ShareView};
use crate::client::transport::Transport;
use crate::crypto::share::{self as hpke, Answer, ExpectedSender};
use crate::crypto::stream::FILES_SLOT;
use crate::crypto::{
    CryptoError, Dek, KeyPair, Provenance, PublicKey, RecordKind, SealedRecord, ShareBinding,
    ShareMeta, V3Terms, VerificationKey, new_id, record,
};

/// Shares per page when listing.
const PAGE: u32 = 200;
/// The most pages a listing follows: a Vault that hands out cursors forever is cut off.
const MAX_PAGES: usize = 1000;

/// Which form of share a DEK opened as: each later form binds more of the share's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// Before covault 0.2: only the share and connection ids are bound.
    V1,
    /// covault 0.2: parties, expiry, terms and acceptance bound.
    V2,
    /// covault 0.3: also on-sharing and the parent share, and sealed metadata.
    V3,
}

/// What the listed share's parties and terms are, as the Vault shows them, to be checked
/// against what was sealed, in the given form (receipts of a v1 share use the v2 form).
pub(super) fn binding(share: &Share, format: Format) -> Result<ShareBinding<'_>, ClientError> {
    let v3 = (format == Format::V3).then_some(V3Terms {
        on_sharing: share.on_sharing,
        parent_share_id: share.parent_share_id.as_deref(),
    });
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
        v3,
    })
}

/// Tries the v3 form, then v2, then the original one. A key sealed in one form never opens in
/// another, so a Vault that rewrote a share's terms fails every way; and a share that shows a
/// v3-only term (on-sharing, a parent) is tried only as v3, so it cannot be passed off as older.
fn any_format(
    share: &Share,
    open: impl Fn(Format) -> Result<Dek, CryptoError>,
) -> Result<(Dek, Format), ClientError> {
    let v3_only = share.on_sharing || share.parent_share_id.is_some() || share.meta.is_some();
    for format in [Format::V3, Format::V2, Format::V1] {
        match open(format) {
            Ok(dek) => return Ok((dek, format)),
            Err(CryptoError::Integrity) if !v3_only => {}
            Err(other) => return Err(other.into()),
        }
    }
    Err(CryptoError::Integrity.into())
}

/// An expiry that does not parse never reaches the openers (the expiry check parses first).
fn bad_time() -> CryptoError {
    CryptoError::Malformed("share expiry")
}

/// Whether a share's acceptance or rejection is proven: a claimed answer without a receipt that
/// opens under the share DEK for these exact terms is the Vault's invention. (A v1 share's
/// acceptance had no receipt.)
pub(super) fn proven(
    share: &Share,
    dek: &Dek,
    format: Format,
    answer: Answer,
) -> Result<bool, ClientError> {
    let (at, receipt, said, named) = match answer {
        Answer::Accepted => (
            &share.accepted_at,
            &share.acceptance,
            "accepted",
            "acceptance",
        ),
        Answer::Rejected => (
            &share.rejected_at,
            &share.rejection,
            "rejected",
            "rejection",
        ),
    };
    match (at, receipt) {
        (None, _) => Ok(false),
        (Some(_), None) if answer == Answer::Accepted && format == Format::V1 => Ok(true),
        (Some(_), None) => Err(ClientError::Integrity(format!(
            "the Vault says the share was {said} but shows no receipt"
        ))),
        (Some(_), Some(receipt)) => {
            let bound = binding(share, receipt_format(format))?;
            hpke::check_receipt(dek, &bound, &env(receipt)?, answer).map_err(|_| {
                ClientError::Integrity(format!("the share's {named} receipt is not genuine"))
            })?;
            Ok(true)
        }
    }
}

/// A share's sealed metadata: required on a v3 share (the Vault cannot strip it), and with
/// provenance on a share that permits on-sharing or is an on-share; its root is the share
/// itself unless it is an on-share.
pub(super) fn open_meta(
    share: &Share,
    dek: &Dek,
    format: Format,
) -> Result<Option<ShareMeta>, ClientError> {
    let meta = match (&share.meta, format) {
        (Some(sealed), _) => ShareMeta::open(dek, &share.id, &env(sealed)?)?,
        (None, Format::V3) => {
            return Err(ClientError::Integrity(
                "the share's sealed metadata is missing".into(),
            ));
        }
        (None, _) => return Ok(None),
    };
    let chained = share.on_sharing || share.parent_share_id.is_some();
    match (&meta.provenance, &share.parent_share_id) {
        (None, _) if chained => Err(ClientError::Integrity(
            "the share's provenance is missing".into(),
        )),
        (Some(p), None) if p.root_share_id != share.id => Err(ClientError::Integrity(
            "the share's provenance names another share".into(),
        )),
        _ => Ok(Some(meta)),
    }
}

/// Receipts bind the v2 terms at least (a v1 share had no receipts of its own).
fn receipt_format(format: Format) -> Format {
    match format {
        Format::V1 => Format::V2,
        other => other,
    }
}

fn failed(share: Share, error: &ClientError) -> ShareView {
    ShareView {
        share,
        accepted: false,
        legacy: false,
        rejected: false,
        origin_verified: false,
        source: None,
        item: None,
        error: Some(ShareError {
            code: error.code().to_owned(),
            message: error.to_string(),
        }),
    }
}

/// A copy about to be shared: what it is made of and how it is bound.
pub(super) struct OutgoingCopy<'a> {
    pub(super) share_id: String,
    pub(super) connection_id: &'a str,
    pub(super) options: &'a ShareOptions,
    pub(super) label: &'a str,
    pub(super) slots: BTreeMap<String, String>,
    /// The types of the slots shared (the recipient sees them too).
    pub(super) types: BTreeMap<String, String>,
    pub(super) meta: ShareMeta,
    pub(super) parent_share_id: Option<&'a str>,
}

impl<'a> OutgoingCopy<'a> {
    /// A copy of `item` (its chosen slots, with their types) made from `source`, sealing
    /// `provenance` in its metadata.
    pub(super) fn of(
        share_id: String,
        connection_id: &'a str,
        options: &'a ShareOptions,
        item: &'a PlainItem,
        source: &str,
        provenance: Option<Provenance>,
    ) -> Result<Self, ClientError> {
        let slots = chosen_slots(&item.slots, options.slots.as_deref())?;
        Ok(OutgoingCopy {
            share_id,
            connection_id,
            options,
            label: &item.label,
            types: types_of(&item.types, &slots),
            slots,
            meta: ShareMeta {
                source: source.to_owned(),
                slots: options.slots.clone(),
                provenance,
            },
            parent_share_id: None,
        })
    }
}

/// The types of the slots in `slots`.
pub(super) fn types_of(
    types: &BTreeMap<String, String>,
    slots: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, kind) in types {
        if slots.contains_key(name) {
            out.insert(name.clone(), kind.clone());
        }
    }
    out
}

/// The slots named in `chosen` (all when `None`): each must exist, once.
pub(super) fn chosen_slots(
    slots: &BTreeMap<String, String>,
    chosen: Option<&[String]>,
) -> Result<BTreeMap<String, String>, ClientError> {
    let Some(chosen) = chosen else {
        return Ok(slots.clone());
    };
    if chosen.is_empty() {
        return Err(ClientError::InvalidInput(
            "choose at least one slot to share".into(),
        ));
    }
    let mut out = BTreeMap::new();
    for name in chosen {
        let value = slots.get(name).ok_or_else(|| {
            ClientError::InvalidInput(format!("the item has no slot named {name:?}"))
        })?;
        if out.insert(name.clone(), value.clone()).is_some() {
            return Err(ClientError::InvalidInput(format!(
                "slot {name:?} is named twice"
            )));
        }
    }
    Ok(out)
}

/// What checking a listing needs once: the kept DEKs (outgoing) or each connection's keys
/// (incoming).
#[derive(Default)]
pub(super) struct ListKeys {
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

    /// Shares an item (or the chosen slots of it) with the pinned peer of a connection: a
    /// fresh share DEK, the copy sealed under it as version 1, the DEK sealed to the peer in
    /// HPKE Auth mode with the options bound in, and kept (wrapped under our KEK, bound the
    /// same way) for updates. With `on_sharing`, the copy carries commitments to each value so
    /// that whoever it is shared on to can check it is ours.
    pub async fn share_item(
        &self,
        item_id: &str,
        connection_id: &str,
        options: &ShareOptions,
    ) -> Result<Share, ClientError> {
        let item = self.get_item(item_id).await?;
        let share_id = new_id()?;
        let provenance = if options.on_sharing {
            Some(Provenance {
                root_share_id: share_id.clone(),
                key: VerificationKey::generate()?,
            })
        } else {
            None
        };
        let copy = OutgoingCopy::of(share_id, connection_id, options, &item, item_id, provenance)?;
        self.send_copy(copy).await
    }

    /// Seals a copy for the connection's pinned peer and stores it with its kept DEK, in one
    /// request (one transaction on the Vault: never a share without its kept DEK).
    pub(super) async fn send_copy(&self, copy: OutgoingCopy<'_>) -> Result<Share, ClientError> {
        let files = copy
            .slots
            .get_key_value(FILES_SLOT)
            .map(|(k, v)| std::collections::BTreeMap::from([(k.clone(), v.clone())]));
        let request = self.seal_copy(copy).await?;
        let share = self.api.create_share(&request).await?;
        if share.id != request.id {
            return Err(ClientError::Integrity(
                "the Vault answered the new share with another".into(),
            ));
        }
        self.device.borrow_mut().saw_share(&request.id, 1);
        if let Some(files) = files {
            // The recipient may download the item's attached files with it.
            self.name_files(&share.id, &files).await?;
        }
        Ok(share)
    }

    /// The request that makes a copy's share: the copy sealed under a fresh share DEK, the DEK
    /// sealed to the pinned peer with the options bound in, and our kept copy of it.
    pub(super) async fn seal_copy(&self, copy: OutgoingCopy<'_>) -> Result<NewShare, ClientError> {
        let keys = self.sender_keys(copy.connection_id).await?;
        self.seal_copy_with(copy, &keys)
    }

    /// Our side of a connection for sealing shares on it: the pin, our keypair (fetched and
    /// checked against the pin) and the peer's pinned key. Fetched once for a batch.
    pub(super) async fn sender_keys(
        &self,
        connection_id: &str,
    ) -> Result<(PinnedConnection, KeyPair, PublicKey), ClientError> {
        let pin = self.pinned(connection_id).await?;
        let keypair = self.my_keypair(&pin).await?;
        let peer = PublicKey::parse(&pin.peer_public_key)?;
        Ok((pin, keypair, peer))
    }

    /// As [`Session::seal_copy`], with the connection's keys at hand.
    pub(super) fn seal_copy_with(
        &self,
        copy: OutgoingCopy<'_>,
        (pin, keypair, peer): &(PinnedConnection, KeyPair, PublicKey),
    ) -> Result<NewShare, ClientError> {
        let OutgoingCopy {
            share_id,
            connection_id,
            options,
            ..
        } = &copy;
        if pin.connection_id != *connection_id {
            return Err(ClientError::InvalidInput(
                "the keys are for another connection".into(),
            ));
        }
        let expires_at_ms = options
            .expires_at
            .as_deref()
            .map(|t| parse_rfc3339_ms("expiresAt", t))
            .transpose()?;
        if expires_at_ms.is_some_and(|at| at <= now_ms()) {
            return Err(ClientError::InvalidInput("expiresAt is in the past".into()));
        }
        let bound = ShareBinding {
            share_id,
            connection_id,
            sender_id: &self.user.id,
            recipient_id: &pin.peer_user_id,
            expires_at_ms,
            terms: options.terms.as_deref(),
            acceptance_required: options.acceptance_required,
            v3: Some(V3Terms {
                on_sharing: options.on_sharing,
                parent_share_id: copy.parent_share_id,
            }),
        };
        let dek = Dek::generate_with_id(share_id)?;
        let sealed = record::seal_typed(
            &dek,
            RecordKind::SharedCopy,
            share_id,
            1,
            copy.label,
            &copy.slots,
            &copy.types,
        )?;
        // The owner commits to the values of a root share; an on-share carries its parent's
        // commitments, which the Vault copies.
        let verification = match (&copy.meta.provenance, copy.parent_share_id) {
            (Some(p), None) => Some(p.key.commit(&p.root_share_id, &copy.slots)),
            _ => None,
        };
        Ok(NewShare {
            id: share_id.clone(),
            connection_id: (*connection_id).to_owned(),
            label: sealed.label,
            slots: sealed.slots,
            sealed_dek: hpke::seal_bound_dek(&dek, peer, keypair, &bound)?.to_string(),
            expires_at: options.expires_at.clone(),
            terms: options.terms.clone(),
            acceptance_required: options.acceptance_required,
            version: 1,
            meta: Some(copy.meta.seal(&dek, share_id)?.to_string()),
            on_sharing: options.on_sharing,
            parent_share_id: copy.parent_share_id.map(str::to_owned),
            verification,
            kept_dek: Some(self.kek.wrap_share_dek(&dek, &bound)?.to_string()),
        })
    }

    /// The sender's kept share DEK, which unwraps only if the Vault shows the share's terms as
    /// they were sealed.
    pub(super) fn open_as_sender(
        &self,
        share: &Share,
        wrapped: &str,
    ) -> Result<(Dek, Format), ClientError> {
        let wrapped = env(wrapped)?;
        any_format(share, |format| match format {
            Format::V1 => self.kek.unwrap_dek(&share.id, &wrapped),
            _ => self
                .kek
                .unwrap_share_dek(&binding(share, format).map_err(|_| bad_time())?, &wrapped),
        })
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
    pub(super) fn open_as_recipient(
        share: &Share,
        (keypair, peer): &(KeyPair, PublicKey),
    ) -> Result<(Dek, Format), ClientError> {
        let sealed = env(share
            .sealed_dek
            .as_deref()
            .ok_or(ClientError::NotAccepted)?)?;
        let expires_at_ms = binding(share, Format::V2)?.expires_at_ms;
        if let (Some(at), Some(text)) = (expires_at_ms, &share.expires_at)
            && at <= now_ms()
        {
            return Err(ClientError::Expired(text.clone()));
        }
        any_format(share, |format| match format {
            Format::V1 => hpke::open_dek(
                &sealed,
                keypair,
                ExpectedSender::Auth(peer),
                &share.id,
                &share.connection_id,
            ),
            _ => hpke::open_bound_dek(
                &sealed,
                keypair,
                peer,
                &binding(share, format).map_err(|_| bad_time())?,
            ),
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
            types: opened.types,
        })
    }

    /// Checks one share and, if `read`, decrypts its copy. `keys` caches what a list needs.
    async fn check(
        &self,
        share: Share,
        keys: &mut ListKeys,
        read: bool,
    ) -> Result<ShareView, ClientError> {
        Ok(self.check_keyed(share, keys, read).await?.0)
    }

    /// As [`Session::check`], also giving the share DEK and the share's opened metadata.
    pub(super) async fn check_keyed(
        &self,
        share: Share,
        keys: &mut ListKeys,
        read: bool,
    ) -> Result<(ShareView, Dek, Option<ShareMeta>), ClientError> {
        let (dek, format) = if share.sender_id == self.user.id {
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
        let accepted = proven(&share, &dek, format, Answer::Accepted)?;
        let rejected = proven(&share, &dek, format, Answer::Rejected)?;
        let meta = open_meta(&share, &dek, format)?;
        let ours = share.sender_id == self.user.id;
        let recipient_must_accept = !ours && share.acceptance_required && !accepted;
        let mut origin_verified = false;
        let item = if read && !ours && rejected {
            return Err(ClientError::Gone(
                "this share was rejected; it can only be deleted".into(),
            ));
        } else if read && !recipient_must_accept {
            let item = self.open_copy(&share, &dek)?;
            if let Some(Provenance { root_share_id, key }) =
                meta.as_ref().and_then(|m| m.provenance.as_ref())
                && !ours
            {
                let commitments = share.verification.as_ref().ok_or_else(|| {
                    ClientError::Integrity("the share's commitments are missing".into())
                })?;
                key.verify(root_share_id, &item.slots, commitments)
                    .map_err(|_| {
                        ClientError::Integrity(
                            "a value differs from what the original owner shared".into(),
                        )
                    })?;
                origin_verified = true;
            }
            Some(item)
        } else if read {
            return Err(ClientError::NotAccepted);
        } else {
            None
        };
        let source = match &meta {
            Some(m) if ours => Some(ShareSource {
                id: m.source.clone(),
                slots: m.slots.clone(),
            }),
            _ => None,
        };
        let view = ShareView {
            share,
            accepted,
            legacy: format == Format::V1,
            rejected,
            origin_verified,
            source,
            item,
            error: None,
        };
        Ok((view, dek, meta))
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
        self.answer(share_id, Answer::Accepted).await
    }

    /// Rejects a share: the recipient will not read it, and the sender sees a rejection only
    /// the recipient could have made. Its contents are no longer served to the recipient.
    pub async fn reject_share(&self, share_id: &str) -> Result<Share, ClientError> {
        self.answer(share_id, Answer::Rejected).await
    }

    /// Sends the receipt of an answer to a share, made for the terms the sender sealed.
    async fn answer(&self, share_id: &str, answer: Answer) -> Result<Share, ClientError> {
        let (share, dek, format) = self.answerable(share_id).await?;
        let terms = binding(&share, receipt_format(format))?;
        let receipt = hpke::receipt(&dek, &terms, answer)?.to_string();
        let api = &self.api;
        let answered = match answer {
            Answer::Accepted => api.accept_share(share_id, &AcceptShare { receipt }).await?,
            Answer::Rejected => api.reject_share(share_id, &RejectShare { receipt }).await?,
        };
        same_share(share_id, &answered)?;
        Ok(answered)
    }

    /// An incoming share the recipient can answer, with its DEK.
    async fn answerable(&self, share_id: &str) -> Result<(Share, Dek, Format), ClientError> {
        let share = self.api.share(share_id).await?;
        let keys = self.recipient_keys(&share).await?;
        let (dek, format) = Self::open_as_recipient(&share, &keys)?;
        Ok((share, dek, format))
    }

    /// Deletes a share; either side may.
    pub async fn delete_share(&self, share_id: &str) -> Result<(), ClientError> {
        self.api.delete_share(share_id).await
    }
}

pub(super) fn same_share(asked: &str, answered: &Share) -> Result<(), ClientError> {
    if answered.id == asked {
        Ok(())
    } else {
        Err(ClientError::Integrity(
            "the Vault answered with another share".into(),
        ))
    }
}
