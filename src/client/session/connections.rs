//! Invitations and connections. A connection is pinned in the sealed account record the first
//! time this client sees it (trust on first use), and from then on every use of it goes by the
//! pin: a Vault that shows another peer or key gets `KeyMismatch`. The fingerprint, compared
//! out of band, turns the first use into a verified one.

use super::account::PinnedConnection;
use super::{Session, env};
use crate::api::{AcceptInvitation, Connection, CreatedInvitation, NewInvitation, NewKeyPair};
use crate::client::error::ClientError;
use crate::client::models::ConnectionInfo;
use crate::client::transport::Transport;
use crate::crypto::{KeyPair, Party, PublicKey, fingerprint, new_id};

/// The safety number of a pinned connection: one half from each party's user id and key.
pub fn pinned_fingerprint(user_id: &str, pin: &PinnedConnection) -> Result<String, ClientError> {
    let (mine, peer) = (
        PublicKey::parse(&pin.public_key)?,
        PublicKey::parse(&pin.peer_public_key)?,
    );
    Ok(fingerprint(
        Party {
            user_id,
            public_key: &mine,
        },
        Party::new(&pin.peer_user_id, &peer),
    ))
}

fn same_code(a: &str, b: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    digits(a) == digits(b)
}

impl<T: Transport + Clone> Session<T> {
    async fn new_keypair(&self) -> Result<KeyPair, ClientError> {
        let keypair = KeyPair::generate()?;
        self.api
            .create_keypair(&NewKeyPair {
                id: keypair.id().to_owned(),
                public_key: keypair.public_key().to_string(),
                wrapped_private_key: self.kek.wrap_keypair(&keypair)?.to_string(),
            })
            .await?;
        Ok(keypair)
    }

    /// Invites `email`: a fresh connection keypair, stored wrapped, and the invitation. The
    /// token in the answer is what the invitee needs (the Vault also emails it when it can).
    pub async fn invite(&self, email: &str) -> Result<CreatedInvitation, ClientError> {
        let keypair = self.new_keypair().await?;
        self.api
            .invite(&NewInvitation {
                email: email.to_owned(),
                public_key: keypair.public_key().to_string(),
                keypair_id: keypair.id().to_owned(),
            })
            .await
    }

    /// Accepts an invitation with a fresh keypair of our own, creating the connection, and pins
    /// it as the Vault answered (our side must be exactly the keypair we made).
    pub async fn accept_invitation(
        &self,
        invitation_id: &str,
        token: &str,
    ) -> Result<ConnectionInfo, ClientError> {
        let keypair = self.new_keypair().await?;
        let id = new_id()?;
        let connection = self
            .api
            .accept_invitation(&AcceptInvitation {
                id: id.clone(),
                invitation_id: invitation_id.to_owned(),
                token: token.to_owned(),
                public_key: keypair.public_key().to_string(),
                keypair_id: keypair.id().to_owned(),
            })
            .await?;
        if connection.id != id
            || connection.me.keypair_id != keypair.id()
            || connection.me.public_key != keypair.public_key().to_string()
            || connection.me.user_id != self.user.id
        {
            return Err(ClientError::Integrity(
                "the Vault answered the new connection with another one".into(),
            ));
        }
        self.pin_new(&[&connection]).await?;
        self.connection_info(connection)
    }

    /// All connections, each checked against its pin (new ones are pinned now).
    pub async fn connections(&self) -> Result<Vec<ConnectionInfo>, ClientError> {
        let connections = self.api.connections().await?;
        self.pin_new(&connections.iter().collect::<Vec<_>>())
            .await?;
        connections
            .into_iter()
            .map(|c| self.connection_info(c))
            .collect()
    }

    /// One connection, checked against its pin (pinned now if new).
    pub async fn connection(&self, id: &str) -> Result<ConnectionInfo, ClientError> {
        let connection = self.api.connection(id).await?;
        self.pin_new(&[&connection]).await?;
        self.connection_info(connection)
    }

    /// Marks a connection verified after the user compared fingerprints with the peer. If
    /// `fingerprint` is given (what the peer read out), it must equal the pinned one, else
    /// `KeyMismatch`: a key was substituted.
    pub async fn verify_connection(
        &self,
        id: &str,
        fingerprint: Option<&str>,
    ) -> Result<ConnectionInfo, ClientError> {
        let info = self.connection(id).await?;
        if let Some(theirs) = fingerprint
            && !same_code(theirs, &info.fingerprint)
        {
            return Err(ClientError::KeyMismatch(
                "the fingerprints differ: a key on this connection was substituted".into(),
            ));
        }
        self.update_pin(id, |pin| pin.verified = true).await?;
        self.connection_info(info.connection)
    }

    /// Changes a connection's pin in the sealed account record.
    async fn update_pin(
        &self,
        id: &str,
        change: impl Fn(&mut super::PinnedConnection),
    ) -> Result<(), ClientError> {
        self.update_account(|record| {
            let pin = record
                .connections
                .iter_mut()
                .find(|p| p.connection_id == id)
                .ok_or_else(|| ClientError::Protocol("the connection is not pinned".into()))?;
            change(pin);
            Ok(())
        })
        .await
    }

    /// Names a connection (for this user only): the name is sealed with the connection's pins
    /// in the account record. An empty name removes it.
    pub async fn name_connection(
        &self,
        id: &str,
        name: &str,
    ) -> Result<ConnectionInfo, ClientError> {
        let name = name.trim();
        if name.len() > 200 || name.chars().any(char::is_control) {
            return Err(ClientError::InvalidInput(
                "a connection name is at most 200 bytes, without control characters".into(),
            ));
        }
        let info = self.connection(id).await?;
        self.update_pin(id, |pin| {
            pin.name = (!name.is_empty()).then(|| name.to_owned())
        })
        .await?;
        self.connection_info(info.connection)
    }

    /// Deletes a connection (the Vault deletes its shares); its pin stays, so the Vault cannot
    /// bring it back with other keys.
    pub async fn delete_connection(&self, id: &str) -> Result<(), ClientError> {
        self.api.delete_connection(id).await
    }

    fn connection_info(&self, connection: Connection) -> Result<ConnectionInfo, ClientError> {
        let pin = self.pin_of(&connection.id)?;
        pin.check(&connection)?;
        Ok(ConnectionInfo {
            fingerprint: pinned_fingerprint(&self.user.id, &pin)?,
            verified: pin.verified,
            name: pin.name.clone(),
            connection,
        })
    }

    /// The pin of a connection this account has seen.
    pub(super) fn pin_of(&self, id: &str) -> Result<PinnedConnection, ClientError> {
        self.account
            .borrow()
            .pin(id)
            .cloned()
            .ok_or_else(|| ClientError::Protocol(format!("connection {id} is not pinned")))
    }

    /// The pin of a connection, fetching and pinning it first if this account has not seen it.
    pub(super) async fn pinned(&self, id: &str) -> Result<PinnedConnection, ClientError> {
        if let Ok(pin) = self.pin_of(id) {
            return Ok(pin);
        }
        let connection = self.api.connection(id).await?;
        self.pin_new(&[&connection]).await?;
        self.pin_of(id)
    }

    /// Checks pinned connections against what the Vault shows and pins the ones not seen
    /// before, after checking that our side is a keypair of ours, in one account write.
    async fn pin_new(&self, connections: &[&Connection]) -> Result<(), ClientError> {
        let mut new = Vec::new();
        for connection in connections {
            if connection.me.user_id != self.user.id {
                return Err(ClientError::Integrity(
                    "the Vault shows a connection whose side is not ours".into(),
                ));
            }
            match self.pin_of(&connection.id) {
                Ok(pin) => pin.check(connection)?,
                Err(_) => {
                    let pin = PinnedConnection::of(connection);
                    self.my_keypair(&pin).await?;
                    new.push(pin);
                }
            }
        }
        if new.is_empty() {
            return Ok(());
        }
        self.update_account(|record| {
            for pin in &new {
                match record.pin(&pin.connection_id) {
                    // Another device pinned it meanwhile: its pin must agree.
                    Some(existing) if existing.peer_public_key != pin.peer_public_key => {
                        return Err(ClientError::KeyMismatch(format!(
                            "connection {} was pinned with another key",
                            pin.connection_id
                        )));
                    }
                    Some(_) => {}
                    None => record.connections.push(pin.clone()),
                }
            }
            Ok(())
        })
        .await
    }

    /// Our keypair on a pinned connection, unwrapped and checked against the pinned public key.
    pub(super) async fn my_keypair(&self, pin: &PinnedConnection) -> Result<KeyPair, ClientError> {
        let record = self.api.keypair(&pin.keypair_id).await?;
        let keypair = self
            .kek
            .unwrap_keypair(&record.id, &env(&record.wrapped_private_key)?)?;
        let mine = keypair.public_key().to_string();
        if mine != pin.public_key || mine != record.public_key {
            return Err(ClientError::KeyMismatch(
                "the Vault shows a public key for our side of this connection that is not ours"
                    .into(),
            ));
        }
        Ok(keypair)
    }
}
