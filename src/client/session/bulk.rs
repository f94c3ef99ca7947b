//! Many at once: creating items and sharing items to one connection in batches of up to 500,
//! each batch one request and one transaction on the Vault (all of it or none), with progress.

use std::collections::BTreeMap;

use super::Session;
use super::shares::OutgoingCopy;
use crate::api::{NewItems, NewShares, Share};
use crate::client::error::ClientError;
use crate::client::models::{PlainItem, ShareOptions};
use crate::client::transport::Transport;
use crate::crypto::new_id;

/// The most records one batch request carries (the Vault's limit).
pub const BATCH: usize = 500;

/// An item to create: its label, slots and slot types.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPlainItem {
    /// The label.
    pub label: String,
    /// Slot name → value.
    pub slots: BTreeMap<String, String>,
    /// Slot name → type, for the typed slots.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
}

impl<T: Transport + Clone> Session<T> {
    /// Creates items in batches; `progress(done, total)` after each. Every item is checked
    /// (slot types) before the first request, so bad input sends nothing. A failed batch
    /// leaves the earlier batches stored (their items are returned by `list_items`).
    pub async fn create_items(
        &self,
        items: &[NewPlainItem],
        progress: &dyn Fn(usize, usize),
    ) -> Result<Vec<PlainItem>, ClientError> {
        let mut sealed = Vec::with_capacity(items.len());
        for item in items {
            super::items::reserved(&item.slots)?;
            let id = new_id()?;
            sealed.push(self.seal_item(&id, 1, &item.label, &item.slots, &item.types)?);
        }
        let mut out = Vec::with_capacity(items.len());
        for (batch, plain) in sealed.chunks(BATCH).zip(items.chunks(BATCH)) {
            let made = self
                .api
                .create_items(&NewItems {
                    items: batch.to_vec(),
                })
                .await?;
            for (record, item) in made.into_iter().zip(plain) {
                self.device.borrow_mut().saw_item(&record.id, 1);
                out.push(PlainItem {
                    id: record.id,
                    version: 1,
                    label: item.label.clone(),
                    slots: item.slots.clone(),
                    types: item.types.clone(),
                });
            }
            progress(out.len(), items.len());
        }
        Ok(out)
    }

    /// Shares many of our items with one connection's peer, in batches (each share and its
    /// kept DEK in one transaction); `progress(done, total)` after each batch. The items are
    /// read in one listing, each checked; an id that is not one of our items is `NotFound`
    /// before anything is sent.
    pub async fn share_items(
        &self,
        item_ids: &[String],
        connection_id: &str,
        options: &ShareOptions,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Vec<Share>, ClientError> {
        let all = self.list_items().await?;
        let mut chosen = Vec::with_capacity(item_ids.len());
        for id in item_ids {
            let item = all
                .iter()
                .find(|i| &i.id == id)
                .ok_or_else(|| ClientError::NotFound(format!("no item {id}")))?;
            chosen.push(item);
        }
        let keys = self.sender_keys(connection_id).await?;
        let mut requests = Vec::with_capacity(chosen.len());
        for item in chosen {
            let copy = OutgoingCopy::of(new_id()?, connection_id, options, item, &item.id, None)?;
            requests.push(self.seal_copy_with(copy, &keys)?);
        }
        let mut out = Vec::with_capacity(requests.len());
        for batch in requests.chunks(BATCH) {
            let made = self
                .api
                .create_shares(&NewShares {
                    shares: batch.to_vec(),
                })
                .await?;
            for share in &made {
                self.device.borrow_mut().saw_share(&share.id, 1);
            }
            out.extend(made);
            progress(out.len(), requests.len());
        }
        Ok(out)
    }
}
