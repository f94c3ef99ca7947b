//! A logged-in user and the guide's flows. Keys are made, wrapped and unwrapped here; the
//! Vault receives only envelopes, wrapped keys and public keys, and every answer it gives is
//! checked against what this client asked for, sealed or remembers (see `docs/security.md`).
//!
//! One file per part of the guide: `account` (the sealed account record: default DEK and
//! pinned connections), `device` (what this device remembers: versions seen, deletions),
//! `items`, `connections` and `shares`.

mod account;
mod bulk;
mod connections;
mod device;
mod file_reader;
mod files;
mod items;
mod links;
mod share_updates;
mod shared_files;
mod shares;

use std::cell::{Cell, RefCell};

use super::api::Api;
use super::error::ClientError;
use super::models::{RecoveryKit, SavedSession, VaultView};
use super::transport::Transport;
use crate::api::*;
use crate::crypto::aead::SymmetricKey;
use crate::crypto::encoding::{from_base64url, to_base64url};
use crate::crypto::{
    Dek, DerivedKeys, Envelope, KdfParams, Kek, SecretKey, expand_keys, generate_salt, new_id,
};

pub use account::{AccountRecord, PinnedConnection};
pub use bulk::{BATCH, NewPlainItem};
pub use device::DeviceState;
pub use file_reader::FileReader;
pub use files::{AttachedFile, FileSource};

/// Long steps a caller may want to show (Argon2id takes a noticeable moment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Running Argon2id with these parameters.
    DerivingKeys(KdfParams),
    /// Keys derived; talking to the Vault.
    KeysDerived,
}

/// A logged-in user: the session token, the unwrapped KEK, the default DEK named by the sealed
/// account record, and what this device remembers.
pub struct Session<T: Transport + Clone> {
    api: Api<T>,
    user: User,
    secret_key: SecretKey,
    unlock_key: RefCell<SymmetricKey>,
    /// The KDF parameters in force, when known (not after `resume`).
    kdf: Cell<Option<KdfParams>>,
    kek: Kek,
    dek: Dek,
    account: RefCell<AccountRecord>,
    device: RefCell<DeviceState>,
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
    let stretched = transport.stretch(passphrase, salt, params).await?;
    let keys = expand_keys(&stretched, secret)?;
    progress(Progress::KeysDerived);
    Ok(keys)
}

/// The keys and records a session is assembled from, once the KEK is unwrapped.
struct Opened {
    user: User,
    secret: SecretKey,
    unlock_key: SymmetricKey,
    kdf: Option<KdfParams>,
    kek: Kek,
    expires_at: String,
    device: Option<String>,
}

impl<T: Transport + Clone> Session<T> {
    /// Creates an account: secret key, salt, KEK, a first DEK and the sealed account record,
    /// all made here. Returns the session and the recovery kit (the printable secret key) to
    /// show the user once.
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
        let session = Self::open(api, email, &keys, secret, Some(params)).await?;
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
        Self::open(api, email, &keys, secret, Some(pre.kdf)).await
    }

    async fn open(
        api: Api<T>,
        email: &str,
        keys: &DerivedKeys,
        secret: SecretKey,
        kdf: Option<KdfParams>,
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
        if session.user.email != email.trim().to_lowercase() {
            return Err(ClientError::Integrity(
                "the Vault logged us in as another account".into(),
            ));
        }
        let api = api.with_token(Some(session.token.clone()));
        // The KEK is bound to the user id: a KEK of another account does not unwrap.
        let kek = Kek::unwrap(keys, &session.user.id, &env(&api.kek().await?.wrapped_kek)?)?;
        Self::assemble(
            api,
            Opened {
                user: session.user,
                secret,
                unlock_key: keys.unlock_key.clone(),
                kdf,
                kek,
                expires_at: session.expires_at,
                device: None,
            },
        )
        .await
    }

    async fn assemble(api: Api<T>, opened: Opened) -> Result<Self, ClientError> {
        let device = match &opened.device {
            Some(sealed) => DeviceState::open(&opened.kek, sealed)?,
            None => DeviceState::new(&opened.user.id),
        };
        let account = account::load(&api, &opened.kek, &opened.user, &device).await?;
        let dek = account::default_dek(&api, &opened.kek, &account).await?;
        let device = RefCell::new(device);
        device.borrow_mut().saw_account(account.version);
        Ok(Session {
            api,
            user: opened.user,
            secret_key: opened.secret,
            unlock_key: RefCell::new(opened.unlock_key),
            kdf: Cell::new(opened.kdf),
            kek: opened.kek,
            dek,
            account: RefCell::new(account),
            device,
            expires_at: opened.expires_at,
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
    /// saved unlock key, and takes up the device state saved with
    /// [`Session::export_device_state`] (if any), so that nothing older than what this device
    /// has seen is accepted. An expired session is `Unauthorized` (log in again).
    pub async fn resume(
        transport: T,
        saved: &SavedSession,
        device_state: Option<&str>,
    ) -> Result<Self, ClientError> {
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
            return Err(ClientError::Integrity(
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
            Opened {
                user,
                secret,
                unlock_key,
                kdf: None,
                kek,
                expires_at: saved.session_expires_at.clone(),
                device: device_state.map(str::to_owned),
            },
        )
        .await
    }

    /// What this device remembers (versions seen, deletions, the account record's version),
    /// sealed under the KEK. Keep it with the session and pass it back to
    /// [`Session::resume`] or [`Session::restore_device_state`]: a client that forgets it can be
    /// rolled back by the Vault.
    pub fn export_device_state(&self) -> Result<String, ClientError> {
        self.device.borrow().seal(&self.kek)
    }

    /// Takes up device state exported earlier (merging with what this session has seen), and
    /// checks the Vault's account record against it: `Rollback` if it is older.
    pub async fn restore_device_state(&self, sealed: &str) -> Result<(), ClientError> {
        let saved = DeviceState::open(&self.kek, sealed)?;
        if saved.user_id() != self.user.id {
            return Err(ClientError::InvalidInput(
                "this device state belongs to another user".into(),
            ));
        }
        self.device.borrow_mut().merge(&saved);
        self.refresh_account().await?;
        Ok(())
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

    /// The account record as last read or written (default DEK, pinned connections).
    pub fn account(&self) -> AccountRecord {
        self.account.borrow().clone()
    }

    /// Ends the session on the Vault.
    pub async fn logout(self) -> Result<(), ClientError> {
        self.api.logout().await
    }

    /// Changes the passphrase: new salt, new unlock and auth keys, the same KEK re-wrapped.
    /// Nothing else is re-encrypted; the Vault ends the user's other sessions. The current
    /// passphrase proves to the Vault that this is the owner (a stolen session token is not
    /// enough), and must also unlock this account's KEK here. The KDF parameters stay as they
    /// are unless `params` names new ones (checked against the floor and the ceiling).
    pub async fn change_passphrase(
        &self,
        current_passphrase: &str,
        new_passphrase: &str,
        params: Option<KdfParams>,
        progress: &dyn Fn(Progress),
    ) -> Result<(), ClientError> {
        if new_passphrase.is_empty() {
            return Err(ClientError::InvalidInput("the passphrase is empty".into()));
        }
        let pre = self.api.prelogin(&self.user.email).await?;
        let current = derive(
            self.api.transport(),
            current_passphrase,
            &from_base64url(&pre.salt, "salt")?,
            &self.secret_key,
            &pre.kdf,
            progress,
        )
        .await?;
        // A wrong current passphrase is caught here, before the Vault is asked.
        Kek::unwrap(
            &current,
            &self.user.id,
            &env(&self.api.kek().await?.wrapped_kek)?,
        )
        .map_err(|_| ClientError::Unauthorized("the current passphrase is wrong".into()))?;
        let params = params.or(self.kdf.get()).unwrap_or(pre.kdf);
        let salt = generate_salt()?;
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
                current_auth_key: current.auth_key_text(),
                wrapped_kek: self.kek.wrap(&keys)?.to_string(),
                kdf: params,
                salt: to_base64url(&salt),
                auth_key: keys.auth_key_text(),
            })
            .await?;
        *self.unlock_key.borrow_mut() = keys.unlock_key.clone();
        self.kdf.set(Some(params));
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
            outgoing_shares: self.share_pages(Direction::Outgoing).await?,
            incoming_shares: self.share_pages(Direction::Incoming).await?,
            links: self.api.links().await?,
        })
    }
}
