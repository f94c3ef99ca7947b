//! A logged-in user and the guide's flows. Keys are made, wrapped and unwrapped here; the
//! Vault receives only envelopes, wrapped keys and public keys.

use std::collections::BTreeMap;

use super::api::Api;
use super::error::ClientError;
use super::models::{PlainItem, ReadShare, RecoveryKit, SavedSession, ShareOptions, VaultView};
use super::transport::Transport;
use crate::api::*;
use crate::crypto::aead::SymmetricKey;
use crate::crypto::encoding::{from_base64url, to_base64url};
use crate::crypto::share::{self as hpke, ExpectedSender, Sender};
use crate::crypto::{
    Context, Dek, DerivedKeys, Envelope, KdfParams, Kek, KeyPair, PublicKey, SecretKey,
    derive_keys, fingerprint, generate_salt, new_id,
};

/// Long steps a caller may want to show (Argon2id takes a noticeable moment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Running Argon2id with these parameters.
    DerivingKeys(KdfParams),
    /// Keys derived; talking to the Vault.
    KeysDerived,
}

/// A logged-in user: the session token, the unwrapped KEK and the default DEK.
pub struct Session<T: Transport + Clone> {
    api: Api<T>,
    user: User,
    secret_key: SecretKey,
    unlock_key: std::cell::RefCell<SymmetricKey>,
    kek: Kek,
    dek: Dek,
    expires_at: String,
}

fn env(text: &str) -> Result<Envelope, ClientError> {
    Ok(Envelope::parse(text)?)
}

async fn derive(
    transport: &impl Transport,
    passphrase: &str,
    salt: &[u8],
    secret: &SecretKey,
    params: &KdfParams,
    progress: &dyn Fn(Progress),
) -> Result<DerivedKeys, ClientError> {
    params.check()?;
    progress(Progress::DerivingKeys(*params));
    transport.yield_now().await;
    let keys = derive_keys(passphrase.as_bytes(), salt, secret, params)?;
    progress(Progress::KeysDerived);
    Ok(keys)
}

/// Encrypts a label and named slots under `dek`, each bound to its own context.
fn seal_fields(
    dek: &Dek,
    label: &str,
    slots: &BTreeMap<String, String>,
    label_context: &Context,
    slot_context: impl Fn(&str) -> Context,
) -> Result<(String, BTreeMap<String, String>), ClientError> {
    let label = dek.encrypt(label.as_bytes(), label_context)?.to_string();
    let slots = slots
        .iter()
        .map(|(name, value)| {
            let sealed = dek.encrypt(value.as_bytes(), &slot_context(name))?;
            Ok((name.clone(), sealed.to_string()))
        })
        .collect::<Result<_, ClientError>>()?;
    Ok((label, slots))
}

/// The inverse of [`seal_fields`], under the same contexts.
fn open_fields(
    dek: &Dek,
    label: &str,
    slots: &BTreeMap<String, String>,
    label_context: &Context,
    slot_context: impl Fn(&str) -> Context,
) -> Result<(String, BTreeMap<String, String>), ClientError> {
    let label = dek.decrypt_string(&env(label)?, label_context)?.to_string();
    let slots = slots
        .iter()
        .map(|(name, value)| {
            let plain = dek.decrypt_string(&env(value)?, &slot_context(name))?;
            Ok((name.clone(), plain.to_string()))
        })
        .collect::<Result<_, ClientError>>()?;
    Ok((label, slots))
}

impl<T: Transport + Clone> Session<T> {
    /// Creates an account: secret key, salt, KEK and a first DEK, all made here. Returns the
    /// session and the recovery kit (the printable secret key) to show the user once.
    pub async fn signup(
        transport: T,
        email: &str,
        passphrase: &str,
        progress: &dyn Fn(Progress),
    ) -> Result<(Self, RecoveryKit), ClientError> {
        Self::signup_with(transport, email, passphrase, KdfParams::default(), progress).await
    }

    /// [`Session::signup`] with chosen KDF parameters (at or above the floor).
    pub async fn signup_with(
        transport: T,
        email: &str,
        passphrase: &str,
        params: KdfParams,
        progress: &dyn Fn(Progress),
    ) -> Result<(Self, RecoveryKit), ClientError> {
        if passphrase.is_empty() {
            return Err(ClientError::InvalidInput("the passphrase is empty".into()));
        }
        let api = Api::new(transport);
        let secret = SecretKey::generate()?;
        let salt = generate_salt()?;
        let keys = derive(
            api.transport(),
            passphrase,
            &salt,
            &secret,
            &params,
            progress,
        )
        .await?;
        let user_id = new_id()?;
        let kek = Kek::generate(&user_id)?;
        api.signup(&SignupRequest {
            user_id,
            email: email.to_owned(),
            kdf: params,
            salt: to_base64url(&salt),
            auth_key: keys.auth_key_text(),
            wrapped_kek: kek.wrap(&keys)?.to_string(),
        })
        .await?;
        let kit = RecoveryKit {
            vault_url: api.base_url().to_owned(),
            email: email.trim().to_lowercase(),
            secret_key: secret.to_printable().to_string(),
        };
        let session = Self::open(api, email, &keys, secret).await?;
        Ok((session, kit))
    }

    /// Logs in: prelogin (refusing parameters below the floor), Argon2id, session, KEK.
    pub async fn login(
        transport: T,
        email: &str,
        passphrase: &str,
        secret_key: &str,
        progress: &dyn Fn(Progress),
    ) -> Result<Self, ClientError> {
        let secret = SecretKey::parse(secret_key)?;
        let api = Api::new(transport);
        let pre = api.prelogin(email).await?;
        let salt = from_base64url(&pre.salt, "salt")?;
        let keys = derive(
            api.transport(),
            passphrase,
            &salt,
            &secret,
            &pre.kdf,
            progress,
        )
        .await?;
        Self::open(api, email, &keys, secret).await
    }

    async fn open(
        api: Api<T>,
        email: &str,
        keys: &DerivedKeys,
        secret: SecretKey,
    ) -> Result<Self, ClientError> {
        let session = api
            .login(&LoginRequest {
                email: email.to_owned(),
                auth_key: keys.auth_key_text(),
            })
            .await
            .map_err(|e| match e {
                ClientError::Unauthorized(_) => {
                    ClientError::Unauthorized("wrong email, passphrase or secret key".into())
                }
                other => other,
            })?;
        let api = api.with_token(Some(session.token.clone()));
        let kek = Kek::unwrap(keys, &session.user.id, &env(&api.kek().await?.wrapped_kek)?)?;
        Self::assemble(
            api,
            session.user,
            secret,
            keys.unlock_key.clone(),
            kek,
            session.expires_at,
        )
        .await
    }

    async fn assemble(
        api: Api<T>,
        user: User,
        secret: SecretKey,
        unlock_key: SymmetricKey,
        kek: Kek,
        expires_at: String,
    ) -> Result<Self, ClientError> {
        let deks = api.deks().await?;
        let dek = match deks.first() {
            Some(record) => kek.unwrap_dek(&record.id, &env(&record.wrapped_key)?)?,
            None => {
                let dek = Dek::generate()?;
                api.create_dek(&NewDek {
                    id: dek.id().to_owned(),
                    wrapped_key: kek.wrap_dek(&dek)?.to_string(),
                })
                .await?;
                dek
            }
        };
        Ok(Session {
            api,
            user,
            secret_key: secret,
            unlock_key: std::cell::RefCell::new(unlock_key),
            kek,
            dek,
            expires_at,
        })
    }

    /// What a native client keeps between runs to act without the passphrase: the session
    /// token, the secret key and the unlock key. It is a credential: store it like one.
    pub fn save(&self) -> SavedSession {
        SavedSession {
            vault_url: self.api.base_url().to_owned(),
            user_id: self.user.id.clone(),
            email: self.user.email.clone(),
            secret_key: self.secret_key.to_printable().to_string(),
            unlock_key: self.unlock_key.borrow().to_base64url().to_string(),
            session_token: self.api.token().unwrap_or_default().to_owned(),
            session_expires_at: self.expires_at.clone(),
        }
    }

    /// Resumes a saved session: checks the token with the Vault, unwraps the KEK with the
    /// saved unlock key. An expired session is `Unauthorized` (log in again).
    pub async fn resume(transport: T, saved: &SavedSession) -> Result<Self, ClientError> {
        let secret = SecretKey::parse(&saved.secret_key)?;
        let unlock_key = SymmetricKey::from_base64url(&saved.unlock_key)?;
        let api = Api::new(transport).with_token(Some(saved.session_token.clone()));
        let user = api.me().await.map_err(|e| match e {
            ClientError::Unauthorized(_) => ClientError::Unauthorized(
                "the session has expired or was ended; log in again".into(),
            ),
            other => other,
        })?;
        if user.id != saved.user_id {
            return Err(ClientError::Protocol(
                "the session belongs to another user".into(),
            ));
        }
        let kek = Kek::unwrap_with_unlock_key(
            &unlock_key,
            &user.id,
            &env(&api.kek().await?.wrapped_kek)?,
        )?;
        Self::assemble(
            api,
            user,
            secret,
            unlock_key,
            kek,
            saved.session_expires_at.clone(),
        )
        .await
    }

    /// The user.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// The bearer token (for a CLI that keeps the session between commands).
    pub fn token(&self) -> Option<&str> {
        self.api.token()
    }

    /// When the session expires (RFC 3339).
    pub fn expires_at(&self) -> &str {
        &self.expires_at
    }

    /// The typed API, acting as this user.
    pub fn api(&self) -> &Api<T> {
        &self.api
    }

    /// Ends the session on the Vault.
    pub async fn logout(self) -> Result<(), ClientError> {
        self.api.logout().await
    }

    /// Changes the passphrase: new salt, new unlock and auth keys, the same KEK re-wrapped.
    /// Nothing else is re-encrypted; the Vault ends the user's other sessions.
    pub async fn change_passphrase(
        &self,
        new_passphrase: &str,
        progress: &dyn Fn(Progress),
    ) -> Result<(), ClientError> {
        if new_passphrase.is_empty() {
            return Err(ClientError::InvalidInput("the passphrase is empty".into()));
        }
        let salt = generate_salt()?;
        let params = KdfParams::default();
        let keys = derive(
            self.api.transport(),
            new_passphrase,
            &salt,
            &self.secret_key,
            &params,
            progress,
        )
        .await?;
        self.api
            .change_passphrase(&ChangePassphraseRequest {
                wrapped_kek: self.kek.wrap(&keys)?.to_string(),
                kdf: params,
                salt: to_base64url(&salt),
                auth_key: keys.auth_key_text(),
            })
            .await?;
        *self.unlock_key.borrow_mut() = keys.unlock_key.clone();
        Ok(())
    }

    /// Everything the Vault holds for this user, as it holds it: the wrapped KEK, wrapped DEKs
    /// and private keys, public keys, item and share ciphertexts. Nothing is decrypted: this is
    /// what a reader of the Vault's database would see.
    pub async fn vault_view(&self) -> Result<VaultView, ClientError> {
        Ok(VaultView {
            wrapped_kek: self.api.kek().await?.wrapped_kek,
            deks: self.api.deks().await?,
            keypairs: self.api.keypairs().await?,
            items: self.api.items().await?,
            connections: self.api.connections().await?,
            outgoing_shares: self
                .api
                .shares(Direction::Outgoing, 500, None)
                .await?
                .shares,
            incoming_shares: self
                .api
                .shares(Direction::Incoming, 500, None)
                .await?
                .shares,
        })
    }

    // ---- items ----

    fn encrypt_item(
        &self,
        id: &str,
        label: &str,
        slots: &BTreeMap<String, String>,
    ) -> Result<ItemInput, ClientError> {
        let (label, slots) =
            seal_fields(&self.dek, label, slots, &Context::item_label(id), |name| {
                Context::slot(id, name)
            })?;
        Ok(ItemInput {
            version: 0,
            id: id.to_owned(),
            dek_id: self.dek.id().to_owned(),
            label,
            slots,
        })
    }

    async fn decrypt_item(&self, item: &Item) -> Result<PlainItem, ClientError> {
        // The default DEK is at hand; any other is fetched and unwrapped.
        let fetched;
        let dek = if item.dek_id == self.dek.id() {
            &self.dek
        } else {
            let record = self.api.dek(&item.dek_id).await?;
            fetched = self
                .kek
                .unwrap_dek(&item.dek_id, &env(&record.wrapped_key)?)?;
            &fetched
        };
        let (label, slots) = open_fields(
            dek,
            &item.label,
            &item.slots,
            &Context::item_label(&item.id),
            |name| Context::slot(&item.id, name),
        )?;
        Ok(PlainItem {
            id: item.id.clone(),
            label,
            slots,
        })
    }

    /// Creates an item; every slot is encrypted under the default DEK, bound to the item and
    /// its name.
    pub async fn create_item(
        &self,
        label: &str,
        slots: &BTreeMap<String, String>,
    ) -> Result<PlainItem, ClientError> {
        let id = new_id()?;
        self.api
            .create_item(&self.encrypt_item(&id, label, slots)?)
            .await?;
        Ok(PlainItem {
            id,
            label: label.to_owned(),
            slots: slots.clone(),
        })
    }

    /// All items, decrypted.
    pub async fn list_items(&self) -> Result<Vec<PlainItem>, ClientError> {
        let mut out = Vec::new();
        for item in self.api.items().await? {
            out.push(self.decrypt_item(&item).await?);
        }
        Ok(out)
    }

    /// One item, decrypted.
    pub async fn get_item(&self, id: &str) -> Result<PlainItem, ClientError> {
        let item = self.api.item(id).await?;
        self.decrypt_item(&item).await
    }

    /// Replaces an item's label and slots.
    pub async fn update_item(&self, item: &PlainItem) -> Result<PlainItem, ClientError> {
        self.api
            .update_item(&self.encrypt_item(&item.id, &item.label, &item.slots)?)
            .await?;
        Ok(item.clone())
    }

    /// Deletes an item.
    pub async fn delete_item(&self, id: &str) -> Result<(), ClientError> {
        self.api.delete_item(id).await
    }

    // ---- connections ----

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

    /// Accepts an invitation with a fresh keypair of our own, creating the connection.
    pub async fn accept_invitation(
        &self,
        invitation_id: &str,
        token: &str,
    ) -> Result<Connection, ClientError> {
        let keypair = self.new_keypair().await?;
        self.api
            .accept_invitation(&AcceptInvitation {
                id: new_id()?,
                invitation_id: invitation_id.to_owned(),
                token: token.to_owned(),
                public_key: keypair.public_key().to_string(),
                keypair_id: keypair.id().to_owned(),
            })
            .await
    }

    /// All connections.
    pub async fn connections(&self) -> Result<Vec<Connection>, ClientError> {
        self.api.connections().await
    }

    /// One connection.
    pub async fn connection(&self, id: &str) -> Result<Connection, ClientError> {
        self.api.connection(id).await
    }

    /// The code both sides compare out of band. It is computed from the keys the Vault shows:
    /// if it substituted one, the two sides' codes differ.
    pub fn fingerprint(connection: &Connection) -> Result<String, ClientError> {
        let (me, peer) = (
            PublicKey::parse(&connection.me.public_key)?,
            PublicKey::parse(&connection.peer.public_key)?,
        );
        Ok(fingerprint(
            crate::crypto::Party {
                user_id: &connection.me.user_id,
                public_key: &me,
            },
            crate::crypto::Party {
                user_id: &connection.peer.user_id,
                public_key: &peer,
            },
        ))
    }

    /// Our keypair on a connection, unwrapped, checked against the keys the Vault shows.
    async fn my_keypair(&self, connection: &Connection) -> Result<KeyPair, ClientError> {
        let record = self.api.keypair(&connection.me.keypair_id).await?;
        let keypair = self
            .kek
            .unwrap_keypair(&record.id, &env(&record.wrapped_private_key)?)?;
        let mine = keypair.public_key().to_string();
        if mine != connection.me.public_key || mine != record.public_key {
            return Err(ClientError::KeyMismatch(
                "the Vault shows a public key for our side of this connection that is not ours"
                    .into(),
            ));
        }
        Ok(keypair)
    }

    // ---- shares ----

    fn encrypt_copy(
        dek: &Dek,
        share_id: &str,
        item: &PlainItem,
    ) -> Result<(String, BTreeMap<String, String>), ClientError> {
        seal_fields(
            dek,
            &item.label,
            &item.slots,
            &Context::share_label(share_id),
            |name| Context::share_slot(share_id, name),
        )
    }

    /// The inverse of `encrypt_copy`: a shared copy decrypted under its share DEK.
    fn decrypt_copy(
        dek: &Dek,
        share_id: &str,
        label: &str,
        slots: &BTreeMap<String, String>,
    ) -> Result<PlainItem, ClientError> {
        let (label, slots) =
            open_fields(dek, label, slots, &Context::share_label(share_id), |name| {
                Context::share_slot(share_id, name)
            })?;
        Ok(PlainItem {
            id: share_id.to_owned(),
            label,
            slots,
        })
    }

    /// The share DEK a sender keeps, wrapped under their KEK, under the share's id.
    async fn kept_share_dek(&self, share_id: &str) -> Result<Dek, ClientError> {
        let record = self.api.dek(share_id).await?;
        Ok(self.kek.unwrap_dek(share_id, &env(&record.wrapped_key)?)?)
    }

    /// What a recipient needs to open shares on a connection: our keypair (checked against the
    /// keys the Vault shows) and the peer's public key, after checking that the peer is the
    /// share's sender.
    async fn incoming_keys(
        &self,
        connection_id: &str,
        sender_id: &str,
    ) -> Result<(KeyPair, PublicKey), ClientError> {
        let connection = self.api.connection(connection_id).await?;
        if connection.peer.user_id != sender_id {
            return Err(ClientError::KeyMismatch(
                "the share's sender is not this connection's peer".into(),
            ));
        }
        let keypair = self.my_keypair(&connection).await?;
        Ok((keypair, PublicKey::parse(&connection.peer.public_key)?))
    }

    /// Opens a share's sealed DEK in Auth mode: only the peer can have sealed it.
    fn open_sealed(
        share: &Share,
        sealed: &str,
        (keypair, sender): &(KeyPair, PublicKey),
    ) -> Result<Dek, ClientError> {
        Ok(hpke::open_dek(
            &env(sealed)?,
            keypair,
            ExpectedSender::Auth(sender),
            &share.id,
            &share.connection_id,
        )?)
    }

    /// Shares an item with the peer of a connection: a fresh share DEK, the item re-encrypted
    /// under it, the DEK sealed to the peer in HPKE Auth mode (and kept, wrapped under our KEK,
    /// so that we can update the share later).
    pub async fn share_item(
        &self,
        item_id: &str,
        connection_id: &str,
        options: &ShareOptions,
    ) -> Result<Share, ClientError> {
        let item = self.get_item(item_id).await?;
        let connection = self.api.connection(connection_id).await?;
        let keypair = self.my_keypair(&connection).await?;
        let peer = PublicKey::parse(&connection.peer.public_key)?;
        let share_id = new_id()?;
        let dek = Dek::generate_with_id(&share_id)?;
        let (label, slots) = Self::encrypt_copy(&dek, &share_id, &item)?;
        let share = self
            .api
            .create_share(&NewShare {
                id: share_id.clone(),
                connection_id: connection_id.to_owned(),
                label,
                slots,
                sealed_dek: hpke::seal_dek(
                    &dek,
                    &peer,
                    Sender::Auth(&keypair),
                    &share_id,
                    connection_id,
                )?
                .to_string(),
                expires_at: options.expires_at.clone(),
                terms: options.terms.clone(),
                acceptance_required: options.acceptance_required,
                version: 0,
            })
            .await?;
        let kept = NewDek {
            id: share_id.clone(),
            wrapped_key: self.kek.wrap_dek(&dek)?.to_string(),
        };
        if let Err(error) = self.api.create_dek(&kept).await {
            // Nothing half-made: without its kept DEK the share could never be updated.
            let _ = self.api.delete_share(&share_id).await;
            return Err(error);
        }
        Ok(share)
    }

    /// Every live share in one direction, newest first (all pages).
    pub async fn list_shares(&self, direction: Direction) -> Result<Vec<Share>, ClientError> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.api.shares(direction, 200, cursor.as_deref()).await?;
            out.extend(page.shares);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(out),
            }
        }
    }

    /// Reads a share. As its recipient: unwrap our connection key, open the sealed DEK, which
    /// only opens if the connection's peer sealed it, and decrypt. As its sender: our kept
    /// copy of the share DEK.
    pub async fn read_share(&self, share_id: &str) -> Result<ReadShare, ClientError> {
        let share = self.api.share(share_id).await?;
        let dek = if share.sender_id == self.user.id {
            self.kept_share_dek(share_id).await?
        } else {
            let sealed = share
                .sealed_dek
                .as_deref()
                .ok_or(ClientError::NotAccepted)?;
            let keys = self
                .incoming_keys(&share.connection_id, &share.sender_id)
                .await?;
            Self::open_sealed(&share, sealed, &keys)?
        };
        let (label, slots) = match (&share.label, &share.slots) {
            (Some(label), Some(slots)) => (label, slots),
            _ => return Err(ClientError::NotAccepted),
        };
        let item = Self::decrypt_copy(&dek, &share.id, label, slots)?;
        Ok(ReadShare { share, item })
    }

    /// Every live incoming share, decrypted, with two requests per page of 200 plus one per
    /// connection (the list carries the ciphertext; connection keys are unwrapped once each).
    /// Shares that still need acceptance are skipped; any share that fails to open fails the
    /// whole call with its error.
    pub async fn read_all_incoming(&self) -> Result<Vec<ReadShare>, ClientError> {
        let shares = self.list_shares(Direction::Incoming).await?;
        let mut keys: BTreeMap<String, (KeyPair, PublicKey)> = BTreeMap::new();
        let mut out = Vec::with_capacity(shares.len());
        for share in shares {
            let (Some(sealed), Some(label), Some(slots)) =
                (&share.sealed_dek, &share.label, &share.slots)
            else {
                continue;
            };
            if !keys.contains_key(&share.connection_id) {
                let found = self
                    .incoming_keys(&share.connection_id, &share.sender_id)
                    .await?;
                keys.insert(share.connection_id.clone(), found);
            }
            let connection_keys = keys
                .get(&share.connection_id)
                .ok_or_else(|| ClientError::Protocol("connection vanished".into()))?;
            let dek = Self::open_sealed(&share, sealed, connection_keys)?;
            let item = Self::decrypt_copy(&dek, &share.id, label, slots)?;
            out.push(ReadShare { share, item });
        }
        Ok(out)
    }

    /// Accepts a share (and its terms).
    pub async fn accept_share(&self, share_id: &str) -> Result<Share, ClientError> {
        self.api.accept_share(share_id).await
    }

    /// Re-encrypts the latest version of `item_id` under the share's DEK and replaces the
    /// shared copy.
    pub async fn update_share(&self, share_id: &str, item_id: &str) -> Result<Share, ClientError> {
        let item = self.get_item(item_id).await?;
        let dek = self.kept_share_dek(share_id).await?;
        let (label, slots) = Self::encrypt_copy(&dek, share_id, &item)?;
        self.api
            .update_share(
                share_id,
                &ShareUpdate {
                    version: 0,
                    label,
                    slots,
                },
            )
            .await
    }

    /// Deletes a share; either side may.
    pub async fn delete_share(&self, share_id: &str) -> Result<(), ClientError> {
        self.api.delete_share(share_id).await
    }
}
