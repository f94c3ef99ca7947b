//! Keeping copies in step and passing them on: refreshing a share from the item (or the
//! incoming share) it was made from, refreshing every share of an item at once, sharing to
//! several connections, on-sharing, and listing who holds copies.
//!
//! The source of each share comes from its sealed metadata, never from the Vault, so a Vault
//! that pointed a share at another item cannot make the owner's client copy that item to the
//! share's recipient.

use std::collections::BTreeMap;

use super::Session;
use super::shares::{ListKeys, OutgoingCopy, open_meta, proven, same_share, types_of};
use crate::api::{Direction, Share, ShareUpdate};
use crate::client::error::ClientError;
use crate::client::models::{
    FailedShare, ItemHolder, ItemUpdate, PlainItem, ShareError, ShareOptions, ShareRefresh,
};
use crate::client::transport::Transport;
use crate::crypto::share::Answer;
use crate::crypto::stream::FILES_SLOT;
use crate::crypto::{Dek, RecordKind, ShareMeta, new_id, record};

fn failure(id: &str, error: &ClientError) -> FailedShare {
    FailedShare {
        id: id.to_owned(),
        error: ShareError {
            code: error.code().to_owned(),
            message: error.to_string(),
        },
    }
}

impl<T: Transport + Clone> Session<T> {
    /// Writes an item's next version, then refreshes every share made from it: one call, so
    /// recipients never silently keep the old values.
    pub async fn update_item_and_shares(
        &self,
        item: &PlainItem,
    ) -> Result<ItemUpdate, ClientError> {
        let item = self.update_item(item).await?;
        let shares = self.refresh_item_shares(&item.id).await?;
        Ok(ItemUpdate { item, shares })
    }

    /// Shares an item with each connection in turn. One connection failing does not stop
    /// the others; it is reported with its error.
    pub async fn share_item_with_all(
        &self,
        item_id: &str,
        connection_ids: &[String],
        options: &ShareOptions,
    ) -> Result<(Vec<Share>, Vec<FailedShare>), ClientError> {
        if connection_ids.is_empty() {
            return Err(ClientError::InvalidInput(
                "name at least one connection".into(),
            ));
        }
        let (mut made, mut failed) = (Vec::new(), Vec::new());
        for connection_id in connection_ids {
            match self.share_item(item_id, connection_id, options).await {
                Ok(share) => made.push(share),
                Err(error) => failed.push(failure(connection_id, &error)),
            }
        }
        Ok((made, failed))
    }

    /// Shares an incoming share on to one of our connections, if its sender permitted it
    /// (bound into the share: the Vault cannot grant it). The copy is checked against the
    /// original owner's commitments before it is passed on, and carries them on.
    pub async fn on_share(
        &self,
        share_id: &str,
        connection_id: &str,
        options: &ShareOptions,
    ) -> Result<Share, ClientError> {
        let share = self.api.share(share_id).await?;
        if share.sender_id == self.user.id {
            return Err(ClientError::InvalidInput(
                "this share is yours: share the item itself instead".into(),
            ));
        }
        let (view, _, meta) = self
            .check_keyed(share, &mut ListKeys::default(), true)
            .await?;
        if !view.share.on_sharing {
            return Err(ClientError::NotPermitted(
                "the share's sender did not permit sharing it on".into(),
            ));
        }
        let item = view.item.ok_or(ClientError::NotAccepted)?;
        let provenance = meta.and_then(|m| m.provenance).ok_or_else(|| {
            ClientError::Integrity("the share permits on-sharing but has no provenance".into())
        })?;
        let mut copy = OutgoingCopy::of(
            new_id()?,
            connection_id,
            options,
            &item,
            share_id,
            Some(provenance),
        )?;
        copy.parent_share_id = Some(share_id);
        self.send_copy(copy).await
    }

    /// Re-encrypts the latest version of a share's source (the item it was made from, or for
    /// an on-share the incoming share) as the next version of its copy, with the same slots.
    /// `source`, if given, must be the sealed one; a share from before covault 0.3 has none
    /// sealed and needs it.
    pub async fn update_share(
        &self,
        share_id: &str,
        source: Option<&str>,
    ) -> Result<Share, ClientError> {
        let share = self.api.share(share_id).await?;
        if share.sender_id != self.user.id {
            return Err(ClientError::InvalidInput(
                "only the sender can update a share".into(),
            ));
        }
        let wrapped = self.api.dek(share_id).await?.wrapped_key;
        let (dek, format) = self.open_as_sender(&share, &wrapped)?;
        let meta = open_meta(&share, &dek, format)?;
        self.refresh(share, &dek, meta.as_ref(), source).await
    }

    /// Refreshes every outgoing share made from `item_id` (after the item changed). Shares
    /// that fail are reported with their error; shares from before covault 0.3 (no sealed
    /// source) are not matched and need `update_share` with the item named.
    pub async fn refresh_item_shares(&self, item_id: &str) -> Result<ShareRefresh, ClientError> {
        let shares = self.share_pages(Direction::Outgoing).await?;
        let mut report = ShareRefresh::default();
        if shares.is_empty() {
            return Ok(report);
        }
        let kept: BTreeMap<String, String> = self
            .api
            .deks()
            .await?
            .into_iter()
            .map(|d| (d.id, d.wrapped_key))
            .collect();
        for share in shares {
            if share.sender_id != self.user.id || share.parent_share_id.is_some() {
                continue;
            }
            let id = share.id.clone();
            match self.refresh_if_from(share, &kept, item_id).await {
                Ok(Some(_)) => report.refreshed.push(id),
                Ok(None) => {}
                Err(error) => report.failed.push(failure(&id, &error)),
            }
        }
        Ok(report)
    }

    async fn refresh_if_from(
        &self,
        share: Share,
        kept: &BTreeMap<String, String>,
        item_id: &str,
    ) -> Result<Option<Share>, ClientError> {
        let wrapped = kept
            .get(&share.id)
            .ok_or_else(|| ClientError::NotFound("the share's kept DEK is missing".into()))?;
        let (dek, format) = self.open_as_sender(&share, wrapped)?;
        let Some(meta) = open_meta(&share, &dek, format)? else {
            return Ok(None);
        };
        // A share its recipient declined is not refreshed (a rejection the Vault invented
        // fails here, and the share is reported).
        if meta.source != item_id || proven(&share, &dek, format, Answer::Rejected)? {
            return Ok(None);
        }
        self.refresh(share, &dek, Some(&meta), Some(item_id))
            .await
            .map(Some)
    }

    /// Writes the next version of a share's copy from its source's latest version.
    async fn refresh(
        &self,
        share: Share,
        dek: &Dek,
        meta: Option<&ShareMeta>,
        given: Option<&str>,
    ) -> Result<Share, ClientError> {
        self.device.borrow().check_share(&share.id, share.version)?;
        let source = match (meta, given) {
            (Some(m), Some(g)) if m.source != g => {
                return Err(ClientError::InvalidInput(format!(
                    "share {} was made from {}, not {g}",
                    share.id, m.source
                )));
            }
            (Some(m), _) => m.source.clone(),
            (None, Some(g)) => g.to_owned(),
            (None, None) => {
                return Err(ClientError::InvalidInput(format!(
                    "share {} was made before covault 0.3: name the item to update it from",
                    share.id
                )));
            }
        };
        let item = match &share.parent_share_id {
            Some(parent) if *parent == source => self
                .read_share(parent)
                .await?
                .item
                .ok_or(ClientError::NotAccepted)?,
            Some(_) => {
                return Err(ClientError::Integrity(
                    "the on-share's sealed source is not its parent".into(),
                ));
            }
            None => self.get_item(&source).await?,
        };
        // The chosen slots the source still has (a slot removed since is no longer shared).
        let slots: BTreeMap<String, String> = match meta.and_then(|m| m.slots.as_ref()) {
            Some(names) => item
                .slots
                .iter()
                .filter(|(name, _)| names.contains(name))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            None => item.slots.clone(),
        };
        let version = share.version.saturating_add(1);
        let sealed = record::seal_typed(
            dek,
            RecordKind::SharedCopy,
            &share.id,
            version,
            &item.label,
            &slots,
            &types_of(&item.types, &slots),
        )?;
        let verification = match meta.and_then(|m| m.provenance.as_ref()) {
            Some(p) if share.parent_share_id.is_none() => {
                Some(p.key.commit(&p.root_share_id, &slots))
            }
            _ => None,
        };
        let updated = self
            .api
            .update_share(
                &share.id,
                &ShareUpdate {
                    version,
                    label: sealed.label,
                    slots: sealed.slots,
                    verification,
                },
            )
            .await?;
        same_share(&share.id, &updated)?;
        self.device.borrow_mut().saw_share(&share.id, version);
        // The files the recipient may download follow the copy: the new list, or none if the
        // copy had files and has none now.
        let had_files = share
            .slots
            .as_ref()
            .is_some_and(|s| s.contains_key(FILES_SLOT));
        if had_files || slots.contains_key(FILES_SLOT) {
            self.name_files(&share.id, &slots).await?;
        }
        Ok(updated)
    }

    /// Who holds copies of an item: the recipients of our shares of it (checked here) and of
    /// the on-shares downstream of them (as the Vault reports them).
    pub async fn item_holders(&self, item_id: &str) -> Result<Vec<ItemHolder>, ClientError> {
        let mut out = Vec::new();
        for view in self.list_shares(Direction::Outgoing).await? {
            let from_item = view.source.as_ref().is_some_and(|s| s.id == item_id);
            if view.error.is_some() || !from_item || view.rejected {
                continue;
            }
            let share = view.share;
            let on_shares = if share.on_sharing {
                self.api.share_copies(&share.id).await?.copies
            } else {
                Vec::new()
            };
            out.push(ItemHolder {
                share_id: share.id,
                sender_email: share.sender_email,
                recipient_email: share.recipient_email,
                parent_share_id: None,
                checked: true,
            });
            out.extend(on_shares.into_iter().map(|c| ItemHolder {
                share_id: c.share_id,
                sender_email: c.sender_email,
                recipient_email: c.recipient_email,
                parent_share_id: Some(c.parent_share_id),
                checked: false,
            }));
        }
        Ok(out)
    }
}
