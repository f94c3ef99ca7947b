//! The account record: what the client decides and the Vault must not, sealed under the KEK
//! and kept on the Vault (`/v1/keystore/state`) with a version the Vault checks on write.
//!
//! It names the default DEK (so the Vault cannot choose which key new items are encrypted
//! under) and pins each connection's keys and peer (so the Vault cannot redirect a share or
//! swap a key after the fact). The Vault can withhold or roll it back; the device state
//! remembers its version, so a device that has seen it refuses an older one.

use super::device::DeviceState;
use super::{Session, env};
use crate::api::{AccountState, Connection, Direction, NewDek, User};
use crate::client::api::Api;
use crate::client::error::ClientError;
use crate::client::transport::Transport;
use crate::crypto::codec::{Reader, Writer};
use crate::crypto::context::LABEL_ACCOUNT;
use crate::crypto::{Dek, Kek};

/// How often a write that lost a race with another device is retried.
const WRITE_ATTEMPTS: usize = 4;

/// The account record's encoding (see `crypto::codec`): tag 1, the version, the user id, the
/// default DEK id, then each pin's seven fields.
/// The record's encoding: tag 1 (covault 0.2), or tag 2, which adds each connection's name.
const RECORD_TAG_V1: u8 = 1;
const RECORD_TAG: u8 = 2;

/// The sealed account record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    /// The write's version (the Vault's `AccountState.version` must say the same).
    pub version: u64,
    /// Whose record it is.
    pub user_id: String,
    /// The DEK new items are encrypted under.
    pub default_dek_id: String,
    /// What was pinned of each connection when it was first seen.
    pub connections: Vec<PinnedConnection>,
}

/// A connection's parties and keys, pinned when first seen (trust on first use) and marked
/// verified once the user compared the fingerprints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedConnection {
    /// The connection.
    pub connection_id: String,
    /// The peer's user id.
    pub peer_user_id: String,
    /// The peer's email.
    pub peer_email: String,
    /// The peer's connection public key.
    pub peer_public_key: String,
    /// Our keypair on the connection.
    pub keypair_id: String,
    /// Our public key on the connection.
    pub public_key: String,
    /// The user compared fingerprints and confirmed them.
    pub verified: bool,
    /// A name the user gave the connection (sealed with the pins, so the Vault cannot relabel
    /// a peer).
    pub name: Option<String>,
}

impl PinnedConnection {
    /// Pins what the Vault shows for a connection.
    pub fn of(connection: &Connection) -> Self {
        PinnedConnection {
            connection_id: connection.id.clone(),
            peer_user_id: connection.peer.user_id.clone(),
            peer_email: connection.peer.email.clone(),
            peer_public_key: connection.peer.public_key.clone(),
            keypair_id: connection.me.keypair_id.clone(),
            public_key: connection.me.public_key.clone(),
            verified: false,
            name: None,
        }
    }

    /// Refuses a connection record that differs from the pin in any party or key.
    pub fn check(&self, connection: &Connection) -> Result<(), ClientError> {
        let shown = PinnedConnection {
            verified: self.verified,
            name: self.name.clone(),
            ..Self::of(connection)
        };
        if &shown == self {
            Ok(())
        } else {
            Err(ClientError::KeyMismatch(format!(
                "the Vault shows other keys or another peer for connection {} than this account pinned",
                connection.id
            )))
        }
    }
}

impl AccountRecord {
    /// The pin of a connection.
    pub fn pin(&self, connection_id: &str) -> Option<&PinnedConnection> {
        self.connections
            .iter()
            .find(|p| p.connection_id == connection_id)
    }

    /// The record's bytes, before sealing.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(RECORD_TAG);
        w.u64(self.version)
            .str(&self.user_id)
            .str(&self.default_dek_id)
            .count(self.connections.len());
        for pin in &self.connections {
            w.str(&pin.connection_id)
                .str(&pin.peer_user_id)
                .str(&pin.peer_email)
                .str(&pin.peer_public_key)
                .str(&pin.keypair_id)
                .str(&pin.public_key)
                .bool(pin.verified)
                .bool(pin.name.is_some())
                .str(pin.name.as_deref().unwrap_or_default());
        }
        w.finish()
    }

    /// Reads a record's bytes (after opening), refusing any other encoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, ClientError> {
        let named = bytes.first() == Some(&RECORD_TAG);
        let tag = if named { RECORD_TAG } else { RECORD_TAG_V1 };
        let mut r = Reader::new(bytes, tag)?;
        let (version, user_id, default_dek_id) = (r.u64()?, r.str()?, r.str()?);
        let n = r.count(6 * 4 + 1)?;
        let mut connections = Vec::with_capacity(n);
        for _ in 0..n {
            connections.push(PinnedConnection {
                connection_id: r.str()?,
                peer_user_id: r.str()?,
                peer_email: r.str()?,
                peer_public_key: r.str()?,
                keypair_id: r.str()?,
                public_key: r.str()?,
                verified: r.bool()?,
                name: if named {
                    let has = r.bool()?;
                    let name = r.str()?;
                    has.then_some(name)
                } else {
                    None
                },
            });
        }
        r.finish()?;
        Ok(AccountRecord {
            version,
            user_id,
            default_dek_id,
            connections,
        })
    }

    fn seal(&self, kek: &Kek) -> Result<AccountState, ClientError> {
        let bytes = zeroize::Zeroizing::new(self.encode());
        Ok(AccountState {
            version: self.version,
            sealed: kek.seal_record(LABEL_ACCOUNT, &bytes)?.to_string(),
        })
    }

    fn open(kek: &Kek, user: &User, state: &AccountState) -> Result<Self, ClientError> {
        let bytes = kek.open_record(LABEL_ACCOUNT, &env(&state.sealed)?)?;
        let record = AccountRecord::decode(&bytes)?;
        if record.version != state.version || record.user_id != user.id {
            return Err(ClientError::Integrity(
                "the account record's version or owner is not what was sealed".into(),
            ));
        }
        Ok(record)
    }
}

/// Reads the account record, checking it against what the device has seen; makes the first one
/// for a new account (or one made before covault 0.2).
pub(super) async fn load<T: Transport>(
    api: &Api<T>,
    kek: &Kek,
    user: &User,
    device: &DeviceState,
) -> Result<AccountRecord, ClientError> {
    for _ in 0..WRITE_ATTEMPTS {
        if let Some(state) = api.account_state().await? {
            let record = AccountRecord::open(kek, user, &state)?;
            device.check_account(record.version)?;
            return Ok(record);
        }
        device.check_account(0)?;
        let record = first_record(api, kek, user).await?;
        match api.put_account_state(&record.seal(kek)?).await {
            Ok(_) => return Ok(record),
            // Another device made it first: read theirs.
            Err(ClientError::Conflict(_)) => continue,
            Err(other) => return Err(other),
        }
    }
    Err(ClientError::Protocol(
        "the Vault says the account record both exists and does not".into(),
    ))
}

/// The first record: the default DEK is a DEK that unwraps as an item DEK and is not the kept
/// key of one of our shares (accounts made before covault 0.2 kept both in one list); a new
/// account gets a fresh one. Connections are pinned as they are first used.
async fn first_record<T: Transport>(
    api: &Api<T>,
    kek: &Kek,
    user: &User,
) -> Result<AccountRecord, ClientError> {
    let deks = api.deks().await?;
    let mut default = None;
    if !deks.is_empty() {
        let shares = api.shares(Direction::Outgoing, 500, None).await?.shares;
        default = deks.iter().find(|record| {
            !shares.iter().any(|s| s.id == record.id)
                && env(&record.wrapped_key)
                    .ok()
                    .and_then(|e| kek.unwrap_dek(&record.id, &e).ok())
                    .is_some()
        });
    }
    let default_dek_id = match default {
        Some(record) => record.id.clone(),
        None => {
            let dek = Dek::generate()?;
            api.create_dek(&NewDek {
                id: dek.id().to_owned(),
                wrapped_key: kek.wrap_dek(&dek)?.to_string(),
            })
            .await?;
            dek.id().to_owned()
        }
    };
    Ok(AccountRecord {
        version: 1,
        user_id: user.id.clone(),
        default_dek_id,
        connections: Vec::new(),
    })
}

/// The default DEK the record names, fetched and unwrapped.
pub(super) async fn default_dek<T: Transport>(
    api: &Api<T>,
    kek: &Kek,
    record: &AccountRecord,
) -> Result<Dek, ClientError> {
    let wrapped = api.dek(&record.default_dek_id).await?;
    Ok(kek.unwrap_dek(&record.default_dek_id, &env(&wrapped.wrapped_key)?)?)
}

impl<T: Transport + Clone> Session<T> {
    /// Re-reads the account record (another device may have written it).
    pub(super) async fn refresh_account(&self) -> Result<(), ClientError> {
        let state = self.api.account_state().await?.ok_or_else(|| {
            ClientError::Rollback("the Vault no longer shows this account's record".into())
        })?;
        let record = AccountRecord::open(&self.kek, &self.user, &state)?;
        self.device.borrow().check_account(record.version)?;
        if record.default_dek_id != self.dek.id() {
            return Err(ClientError::Integrity(
                "the account record names another default DEK".into(),
            ));
        }
        self.device.borrow_mut().saw_account(record.version);
        *self.account.borrow_mut() = record;
        Ok(())
    }

    /// Applies `change` to the account record and writes it as the next version; if another
    /// device wrote in between, re-reads theirs and applies the change again.
    pub(super) async fn update_account(
        &self,
        change: impl Fn(&mut AccountRecord) -> Result<(), ClientError>,
    ) -> Result<(), ClientError> {
        for _ in 0..WRITE_ATTEMPTS {
            let mut next = self.account.borrow().clone();
            change(&mut next)?;
            next.version += 1;
            match self.api.put_account_state(&next.seal(&self.kek)?).await {
                Ok(_) => {
                    self.device.borrow_mut().saw_account(next.version);
                    *self.account.borrow_mut() = next;
                    return Ok(());
                }
                Err(ClientError::Conflict(_)) => self.refresh_account().await?,
                Err(other) => return Err(other),
            }
        }
        Err(ClientError::Conflict(
            "the account record kept changing under us; try again".into(),
        ))
    }
}
