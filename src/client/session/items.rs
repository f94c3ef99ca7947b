//! Items: each write is one sealed record (see `crypto::record`) with a version the Vault
//! checks on update and this device remembers on read.

use std::collections::BTreeMap;

use super::{Session, env};
use crate::api::{Item, ItemInput};
use crate::client::error::ClientError;
use crate::client::models::PlainItem;
use crate::client::slot_types;
use crate::client::transport::Transport;
use crate::crypto::{Dek, RecordKind, SealedRecord, new_id, record};

impl<T: Transport + Clone> Session<T> {
    pub(super) fn seal_item(
        &self,
        id: &str,
        version: u64,
        label: &str,
        slots: &BTreeMap<String, String>,
        types: &BTreeMap<String, String>,
    ) -> Result<ItemInput, ClientError> {
        slot_types::check(slots, types)?;
        let sealed = record::seal_typed(
            &self.dek,
            RecordKind::Item,
            id,
            version,
            label,
            slots,
            types,
        )?;
        Ok(ItemInput {
            id: id.to_owned(),
            dek_id: self.dek.id().to_owned(),
            version,
            label: sealed.label,
            slots: sealed.slots,
        })
    }

    /// Opens an item the Vault returned: exactly one write of it, not older than any seen here.
    pub(super) async fn open_item(&self, item: &Item) -> Result<PlainItem, ClientError> {
        self.device.borrow().check_item(&item.id, item.version)?;
        // The default DEK is at hand; any other is fetched and unwrapped.
        let fetched: Dek;
        let dek = if item.dek_id == self.dek.id() {
            &self.dek
        } else {
            let record = self.api.dek(&item.dek_id).await?;
            fetched = self
                .kek
                .unwrap_dek(&item.dek_id, &env(&record.wrapped_key)?)?;
            &fetched
        };
        let sealed = SealedRecord {
            label: item.label.clone(),
            slots: item.slots.clone(),
        };
        let opened = record::open(dek, RecordKind::Item, &item.id, item.version, &sealed)?;
        self.device.borrow_mut().saw_item(&item.id, item.version);
        Ok(PlainItem {
            id: item.id.clone(),
            version: opened.version,
            label: opened.label,
            slots: opened.slots,
            types: opened.types,
        })
    }

    /// Creates an item (version 1) under the default DEK.
    pub async fn create_item(
        &self,
        label: &str,
        slots: &BTreeMap<String, String>,
    ) -> Result<PlainItem, ClientError> {
        self.create_typed_item(label, slots, &BTreeMap::new()).await
    }

    /// Creates an item whose slots (some of them) have types: each value is checked against
    /// its type first (`InvalidInput`), and the types are sealed with the item.
    pub async fn create_typed_item(
        &self,
        label: &str,
        slots: &BTreeMap<String, String>,
        types: &BTreeMap<String, String>,
    ) -> Result<PlainItem, ClientError> {
        reserved(slots)?;
        let id = new_id()?;
        self.api
            .create_item(&self.seal_item(&id, 1, label, slots, types)?)
            .await?;
        self.device.borrow_mut().saw_item(&id, 1);
        Ok(PlainItem {
            id,
            version: 1,
            label: label.to_owned(),
            slots: slots.clone(),
            types: types.clone(),
        })
    }

    /// All items, decrypted and checked.
    pub async fn list_items(&self) -> Result<Vec<PlainItem>, ClientError> {
        let mut out = Vec::new();
        for item in self.api.items().await? {
            out.push(self.open_item(&item).await?);
        }
        Ok(out)
    }

    /// One item, decrypted and checked.
    pub async fn get_item(&self, id: &str) -> Result<PlainItem, ClientError> {
        let item = self.api.item(id).await?;
        self.open_item(&item).await
    }

    /// Replaces an item's label and slots as the version after `item.version` (the version it
    /// was read at). If someone wrote the item since, the Vault refuses with `Conflict`: read it
    /// again and redo the change.
    pub async fn update_item(&self, item: &PlainItem) -> Result<PlainItem, ClientError> {
        let version = item
            .version
            .checked_add(1)
            .ok_or_else(|| ClientError::InvalidInput("item version overflow".into()))?;
        // A stale `item.version` is the Vault's to refuse (409): it knows the stored version.
        self.api
            .update_item(&self.seal_item(
                &item.id,
                version,
                &item.label,
                &item.slots,
                &item.types,
            )?)
            .await?;
        self.device.borrow_mut().saw_item(&item.id, version);
        Ok(PlainItem {
            version,
            ..item.clone()
        })
    }

    /// Removes one slot from an item, as its next version (the item is read, checked and
    /// written back). `InvalidInput` if the item has no such slot; nothing is written then.
    pub async fn remove_slot(&self, item_id: &str, slot: &str) -> Result<PlainItem, ClientError> {
        let mut item = self.get_item(item_id).await?;
        item.types.remove(slot);
        if item.slots.remove(slot).is_none() {
            return Err(ClientError::InvalidInput(format!(
                "item {item_id} has no slot named {slot:?}"
            )));
        }
        self.update_item(&item).await
    }

    /// Deletes an item; this device refuses it if the Vault ever shows it again.
    pub async fn delete_item(&self, id: &str) -> Result<(), ClientError> {
        self.api.delete_item(id).await?;
        self.device.borrow_mut().deleted_item(id);
        Ok(())
    }
}

/// Refuses the slot name attached files live under (see `crypto::stream`).
pub(super) fn reserved(slots: &BTreeMap<String, String>) -> Result<(), ClientError> {
    if slots.contains_key(crate::crypto::stream::FILES_SLOT) {
        return Err(ClientError::InvalidInput(format!(
            "the slot name {:?} is reserved for attached files",
            crate::crypto::stream::FILES_SLOT
        )));
    }
    Ok(())
}
