//! What one device remembers of the Vault's answers, so that it can refuse to be rolled back:
//! the newest version of each item and shared copy it has seen, the items it deleted, and the
//! account record's version. Sealed under the KEK when exported; the Vault never sees it.

use std::collections::BTreeMap;

use super::env;
use crate::client::error::ClientError;
use crate::crypto::Kek;
use crate::crypto::codec::{Reader, Writer};
use crate::crypto::context::LABEL_DEVICE_STATE;

/// In `items`, the version of an item this device deleted: newer than any real version.
const DELETED: u64 = u64::MAX;

/// The device state's encoding (see `crypto::codec`): tag 1, the user id, the account record's
/// version, then (id, version) pairs for items and for shared copies.
const STATE_TAG: u8 = 1;

/// The device state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceState {
    user_id: String,
    account_version: u64,
    /// Item id → newest version seen, or [`DELETED`].
    items: BTreeMap<String, u64>,
    /// Share id → newest version of its copy seen.
    shares: BTreeMap<String, u64>,
}

impl DeviceState {
    /// A device that has seen nothing yet.
    pub fn new(user_id: &str) -> Self {
        DeviceState {
            user_id: user_id.to_owned(),
            ..Self::default()
        }
    }

    /// Whose state it is.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(STATE_TAG);
        w.str(&self.user_id).u64(self.account_version);
        for map in [&self.items, &self.shares] {
            w.count(map.len());
            for (id, version) in map {
                w.str(id).u64(*version);
            }
        }
        w.finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, ClientError> {
        let mut r = Reader::new(bytes, STATE_TAG)?;
        let (user_id, account_version) = (r.str()?, r.u64()?);
        let mut maps = [BTreeMap::new(), BTreeMap::new()];
        for map in &mut maps {
            for _ in 0..r.count(4 + 8)? {
                map.insert(r.str()?, r.u64()?);
            }
        }
        r.finish()?;
        let [items, shares] = maps;
        Ok(DeviceState {
            user_id,
            account_version,
            items,
            shares,
        })
    }

    /// Seals it for storage on the device.
    pub fn seal(&self, kek: &Kek) -> Result<String, ClientError> {
        let bytes = zeroize::Zeroizing::new(self.encode());
        Ok(kek.seal_record(LABEL_DEVICE_STATE, &bytes)?.to_string())
    }

    /// Opens a sealed state (only under the KEK of the user who sealed it).
    pub fn open(kek: &Kek, sealed: &str) -> Result<Self, ClientError> {
        let bytes = kek.open_record(LABEL_DEVICE_STATE, &env(sealed.trim())?)?;
        let state = DeviceState::decode(&bytes)?;
        if state.user_id != kek.owner() {
            return Err(ClientError::InvalidInput(
                "this device state belongs to another user".into(),
            ));
        }
        Ok(state)
    }

    /// Takes the newer of each version from `other`.
    pub fn merge(&mut self, other: &DeviceState) {
        self.account_version = self.account_version.max(other.account_version);
        for (id, version) in &other.items {
            self.saw_item(id, *version);
        }
        for (id, version) in &other.shares {
            self.saw_share(id, *version);
        }
    }

    /// `Rollback` if the Vault shows an account record older than one seen.
    pub fn check_account(&self, version: u64) -> Result<(), ClientError> {
        if version < self.account_version {
            return Err(ClientError::Rollback(format!(
                "the Vault shows version {version} of the account record; this device has seen version {}",
                self.account_version
            )));
        }
        Ok(())
    }

    /// Remembers an account record version.
    pub fn saw_account(&mut self, version: u64) {
        self.account_version = self.account_version.max(version);
    }

    /// `Rollback` if the Vault shows a deleted item, or an older version than one seen.
    pub fn check_item(&self, id: &str, version: u64) -> Result<(), ClientError> {
        if self.items.get(id) == Some(&DELETED) {
            return Err(ClientError::Rollback(format!(
                "the Vault shows item {id}, which was deleted"
            )));
        }
        older("item", id, version, self.items.get(id))
    }

    /// Remembers an item version.
    pub fn saw_item(&mut self, id: &str, version: u64) {
        let seen = self.items.entry(id.to_owned()).or_default();
        *seen = (*seen).max(version);
    }

    /// Remembers a deletion.
    pub fn deleted_item(&mut self, id: &str) {
        self.items.insert(id.to_owned(), DELETED);
    }

    /// `Rollback` if the Vault shows an older version of a shared copy than one seen.
    pub fn check_share(&self, id: &str, version: u64) -> Result<(), ClientError> {
        older("shared copy", id, version, self.shares.get(id))
    }

    /// Remembers a shared copy version.
    pub fn saw_share(&mut self, id: &str, version: u64) {
        let seen = self.shares.entry(id.to_owned()).or_default();
        *seen = (*seen).max(version);
    }
}

fn older(what: &str, id: &str, version: u64, seen: Option<&u64>) -> Result<(), ClientError> {
    match seen {
        Some(&seen) if version < seen => Err(ClientError::Rollback(format!(
            "the Vault shows version {version} of {what} {id}; this device has seen version {seen}"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_versions_and_deleted_items_are_rollbacks() {
        let mut state = DeviceState::new("u");
        state.saw_item("i", 3);
        assert!(state.check_item("i", 3).is_ok());
        assert!(matches!(
            state.check_item("i", 2),
            Err(ClientError::Rollback(_))
        ));
        state.deleted_item("i");
        assert!(matches!(
            state.check_item("i", 9),
            Err(ClientError::Rollback(_))
        ));
        state.saw_account(4);
        assert!(matches!(
            state.check_account(3),
            Err(ClientError::Rollback(_))
        ));
    }

    #[test]
    fn sealed_state_opens_only_for_its_user() {
        let kek = Kek::from_bytes("u", [1; 32]);
        let mut state = DeviceState::new("u");
        state.saw_share("s", 2);
        let sealed = state.seal(&kek).expect("seal");
        assert_eq!(DeviceState::open(&kek, &sealed).expect("open"), state);
        let other = Kek::from_bytes("v", [1; 32]);
        assert!(DeviceState::open(&other, &sealed).is_err());
    }

    #[test]
    fn merge_keeps_the_newest_of_each() {
        let mut a = DeviceState::new("u");
        a.saw_item("i", 2);
        let mut b = DeviceState::new("u");
        b.saw_item("i", 5);
        b.deleted_item("j");
        b.saw_account(7);
        a.merge(&b);
        assert!(a.check_item("i", 4).is_err());
        assert!(a.check_item("j", 1).is_err());
        assert!(a.check_account(6).is_err());
    }
}
