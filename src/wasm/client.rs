//! The Vault client for JavaScript: `Covault.signup(url, email, passphrase)` and friends,
//! Promise-returning and camelCase. Every method forwards to [`crate::client::Session`].

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use super::device;
use super::error::{invalid_argument, js_error};
use crate::api::Direction;
use crate::client::casing::{USER_DATA_KEYS, camel_case};
use crate::client::{
    ClientError, GlooTransport, PlainItem, Progress, RecoveryKit, Session, ShareOptions,
};
use crate::crypto::{KdfParams, SecretKey};

#[wasm_bindgen(typescript_custom_section)]
const CLIENT_TYPES: &str = r#"
/** Options for signup, login and changePassphrase. */
export interface AuthOptions {
  /** signup and login: keep the secret key on this device (IndexedDB, sealed under a
   * non-extractable WebCrypto key), so that the next login here needs only the passphrase.
   * Never the passphrase, the KEK or the unlock key. `Covault.forgetDevice` removes it. */
  rememberDevice?: boolean;
  /** Argon2id parameters for a new account or passphrase (default m = 64 MiB, t = 3, p = 4). */
  kdf?: KdfParams;
  /** Called with "deriving-keys" before Argon2id runs and "keys-derived" after. */
  onProgress?: (step: "deriving-keys" | "keys-derived") => void;
}
export interface RecoveryKit { vaultUrl: string; email: string; secretKey: string }
export interface User { id: string; email: string; createdAt: string }
/** An item as one write sealed it; `version` is the write's (send it back unchanged to `updateItem`). `types`: slot name → type (`password`, `date`, `url`, `email`, `phone_number`, `note`, `bool`, `text`, `select:a|b`), sealed with the item. */
export interface PlainItem { id: string; version: number; label: string; slots: Record<string, string>; types?: Record<string, string> }
export interface ConnectionSide { userId: string; email: string; publicKey: string; keypairId: string }
/** A connection as pinned by this account: `fingerprint` is the safety number from the pinned keys; `verified` once `verifyConnection` was called; `name` as given with `nameConnection`. */
export interface Connection { id: string; me: ConnectionSide; peer: ConnectionSide; createdAt: string; fingerprint: string; verified: boolean; name: string | null }
export interface CreatedInvitation { id: string; token: string; expiresAt: string }
/** `slots`: share only these (default: every slot, including ones added later). `onSharing`: the recipient may share it on. */
export interface ShareOptions { expiresAt?: string; terms?: string; acceptanceRequired?: boolean; slots?: string[]; onSharing?: boolean }
export interface Share {
  id: string; connectionId: string; senderId: string; senderEmail: string; recipientId: string; recipientEmail: string;
  label: string | null; slots: Record<string, string> | null; sealedDek: string | null;
  expiresAt: string | null; terms: string | null; acceptanceRequired: boolean; acceptedAt: string | null;
  acceptance: string | null; version: number; createdAt: string; updatedAt: string;
  meta: string | null; onSharing: boolean; parentShareId: string | null;
  verification: Record<string, string> | null; rejectedAt: string | null; rejection: string | null;
}
/** A share as this client checked it. In lists, a share that failed its checks has `error` (and no `item`). */
export interface ShareView {
  share: Share;
  /** Accepted, proven by the recipient's receipt. */
  accepted: boolean;
  /** Made before covault 0.2: its terms, expiry and acceptance setting are not sealed. */
  legacy: boolean;
  /** Rejected, proven by the recipient's receipt. */
  rejected: boolean;
  /** When read: each value was checked against the original owner's commitments (on-sharing). */
  originVerified: boolean;
  /** For the sender: the item (or incoming share) it was made from and the slots shared, as sealed. */
  source: ShareSource | null;
  item: PlainItem | null;
  error: { code: CovaultErrorCode; message: string } | null;
}
export interface ShareSource { id: string; slots: string[] | null }
/** A share an operation could not complete (`id`: the share, or the connection when sharing to several). */
export interface FailedShare { id: string; error: { code: CovaultErrorCode; message: string } }
/** What refreshing an item's shares did: none is silently skipped. */
export interface ShareRefresh { refreshed: string[]; failed: FailedShare[] }
/** An item written, and its shares refreshed with it. */
export interface ItemUpdate { item: PlainItem; shares: ShareRefresh }
/** Someone holding a copy of an item: `checked` for your own shares; on-shares are as the Vault reports them. */
export interface ItemHolder { shareId: string; senderEmail: string; recipientEmail: string; parentShareId: string | null; checked: boolean }
export interface VaultView {
  wrappedKek: string;
  deks: { id: string; wrappedKey: string; createdAt: string }[];
  keypairs: { id: string; publicKey: string; wrappedPrivateKey: string; createdAt: string }[];
  items: ItemRecord[];
  connections: Omit<Connection, "fingerprint" | "verified">[];
  outgoingShares: Share[];
  incomingShares: Share[];
  links: { id: string; expiresAt: string; maxViews: number | null; views: number; passphrase: boolean; available: boolean; senderRecord: string; createdAt: string }[];
}
/** Options for `createLink`. */
export interface LinkOptions {
  /** RFC 3339; after it the link never opens (required). */
  expiresAt: string;
  /** How many times it may be opened (default: until it expires). */
  maxViews?: number;
  /** A second secret, told to the recipient another way. */
  passphrase?: string;
  /** Only these slots (default: all of the item's). */
  slots?: string[];
  /** Argon2id parameters for the passphrase (default m = 64 MiB, t = 3, p = 4). */
  passphraseKdf?: KdfParams;
}
/** A link just made: `url` holds the key in its #fragment; give it only to the recipient. */
export interface CreatedLink { id: string; url: string; expiresAt: string; maxViews: number | null }
/** A link as the Vault reports it: `views` as it counts them; `available` while it holds the ciphertext. */
export interface Link { id: string; expiresAt: string; maxViews: number | null; views: number; passphrase: boolean; available: boolean; senderRecord: string; createdAt: string }
/** A link as its sender lists it, checked against what was sealed: `error` (`Integrity`) when the Vault reports another expiry or view limit, more views than allowed, or a ciphertext kept after the end. */
export interface LinkView { link: Link; itemId: string | null; label: string | null; slots: string[]; error: { code: CovaultErrorCode; message: string } | null }
/** A link opened by `openLink`: the values and the sender as sealed (trust the sender line as far as the channel that brought the URL). */
export interface OpenedLinkView {
  id: string; label: string; slots: Record<string, string>; senderId: string; senderEmail: string;
  createdAt: string; expiresAt: string; maxViews: number | null; views: number;
}
/** What the Vault stores for an item: ciphertext only. */
export interface ItemRecord { id: string; dekId: string; version: number; label: string; slots: Record<string, string>; createdAt: string; updatedAt: string }
"#;

/// A client error becomes the JS `Error` apps see, so `?` converts it.
impl From<ClientError> for JsValue {
    fn from(error: ClientError) -> JsValue {
        js_error(error.code(), &error.to_string())
    }
}

/// snake_case keys become camelCase for JS, except inside `slots` maps (user data); see
/// [`crate::client::casing`].
/// `value` is what serde-wasm-bindgen's JSON-compatible serializer made: arrays, plain objects
/// and primitives.
fn camel(value: JsValue) -> Result<JsValue, JsValue> {
    if js_sys::Array::is_array(&value) {
        let list: js_sys::Array = value.unchecked_into();
        for i in 0..list.length() {
            list.set(i, camel(list.get(i))?);
        }
        return Ok(list.into());
    }
    if !value.is_object() {
        return Ok(value);
    }
    let out = js_sys::Object::new();
    for key in js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>()).iter() {
        let v = js_sys::Reflect::get(&value, &key)?;
        let k = key.as_string().unwrap_or_default();
        let v = if USER_DATA_KEYS.contains(&k.as_str()) {
            v
        } else {
            camel(v)?
        };
        js_sys::Reflect::set(&out, &camel_case(&k).into(), &v)?;
    }
    Ok(out.into())
}

/// A value as a plain JS object with camelCase keys.
pub(super) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    finish_js(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()))
}

/// Out of line, so that the instantiations of `to_js` share it.
#[inline(never)]
fn finish_js(js: Result<JsValue, serde_wasm_bindgen::Error>) -> Result<JsValue, JsValue> {
    camel(js.map_err(|e| invalid_argument(&e.to_string()))?)
}

pub(super) fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|e| bad_argument(what, e))
}

#[inline(never)]
fn bad_argument(what: &str, error: serde_wasm_bindgen::Error) -> JsValue {
    invalid_argument(&format!("{what}: {error}"))
}

struct Options {
    kdf: Option<KdfParams>,
    on_progress: Option<js_sys::Function>,
    remember_device: bool,
}

fn options(value: &JsValue) -> Result<Options, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Options {
            kdf: None,
            on_progress: None,
            remember_device: false,
        });
    }
    let kdf = js_sys::Reflect::get(value, &"kdf".into())?;
    let kdf = if kdf.is_undefined() {
        None
    } else {
        Some(from_js(kdf, "options.kdf")?)
    };
    let on_progress = js_sys::Reflect::get(value, &"onProgress".into())?;
    let on_progress = if on_progress.is_undefined() {
        None
    } else {
        Some(
            on_progress
                .dyn_into::<js_sys::Function>()
                .map_err(|_| invalid_argument("options.onProgress must be a function"))?,
        )
    };
    let remember = js_sys::Reflect::get(value, &"rememberDevice".into())?;
    let remember_device = if remember.is_undefined() || remember.is_null() {
        false
    } else {
        remember
            .as_bool()
            .ok_or_else(|| invalid_argument("options.rememberDevice must be a boolean"))?
    };
    Ok(Options {
        kdf,
        on_progress,
        remember_device,
    })
}

/// `login`'s fourth argument: the secret key, or nothing (`undefined`, `null`, `""`) for the one
/// this device remembers; or the options, when no secret key is given and nothing follows.
/// Returns the secret key (if given) and the options.
fn secret_and_options(
    secret_key: JsValue,
    options_value: JsValue,
) -> Result<(Option<zeroize::Zeroizing<String>>, JsValue), JsValue> {
    if let Some(text) = secret_key.as_string() {
        let text = zeroize::Zeroizing::new(text);
        let given = !text.trim().is_empty();
        return Ok((given.then_some(text), options_value));
    }
    if secret_key.is_undefined() || secret_key.is_null() {
        return Ok((None, options_value));
    }
    if secret_key.is_object()
        && !js_sys::Array::is_array(&secret_key)
        && (options_value.is_undefined() || options_value.is_null())
    {
        return Ok((None, secret_key));
    }
    Err(invalid_argument(
        "secretKey must be a string (or undefined, for the one this device remembers)",
    ))
}

fn reporter(callback: Option<js_sys::Function>) -> impl Fn(Progress) {
    move |step| {
        if let Some(f) = &callback {
            let name = match step {
                Progress::DerivingKeys(_) => "deriving-keys",
                Progress::KeysDerived => "keys-derived",
            };
            let _ = f.call1(&JsValue::NULL, &JsValue::from_str(name));
        }
    }
}

/// A logged-in covault user in the browser. Keys stay inside; `free()` drops them.
#[wasm_bindgen]
pub struct Covault {
    pub(super) session: Session<GlooTransport>,
    recovery_kit: Option<RecoveryKit>,
}

#[wasm_bindgen]
impl Covault {
    /// Creates an account on the Vault at `url`: keys are generated here, and only wrapped
    /// keys reach the Vault. Read `recoveryKit` afterwards and show it to the user once.
    #[wasm_bindgen(unchecked_return_type = "Covault")]
    pub async fn signup(
        url: String,
        email: String,
        passphrase: String,
        #[wasm_bindgen(unchecked_param_type = "AuthOptions")] options_value: JsValue,
    ) -> Result<Covault, JsValue> {
        let passphrase = zeroize::Zeroizing::new(passphrase);
        let opts = options(&options_value)?;
        let remember = opts.remember_device;
        let email_key = device::normalize_email(&email);
        if remember {
            device::check_available().await?;
        }
        let report = reporter(opts.on_progress);
        let (session, kit) = Session::signup_with(
            GlooTransport::new(&url),
            &email,
            &passphrase,
            opts.kdf.unwrap_or_default(),
            &report,
        )
        .await?;
        if remember {
            let secret = SecretKey::parse(&kit.secret_key).map_err(ClientError::from)?;
            device::remember(&url, &email_key, &secret).await?;
        }
        Ok(Covault {
            session,
            recovery_kit: Some(kit),
        })
    }

    /// Logs in with the passphrase and the secret key from the recovery kit. Without a secret
    /// key (`undefined`, `null` or `""`), uses the one this device remembers for this Vault and
    /// email (`NotRemembered` if none; `Integrity` if its record does not open). With
    /// `rememberDevice`, remembers the secret key once the login succeeded. Throws
    /// `KdfTooWeak` if the Vault hands out parameters below the floor.
    #[wasm_bindgen(unchecked_return_type = "Covault")]
    pub async fn login(
        url: String,
        email: String,
        passphrase: String,
        #[wasm_bindgen(
            js_name = secretKey,
            unchecked_optional_param_type = "string | null | AuthOptions"
        )]
        secret_key: JsValue,
        #[wasm_bindgen(js_name = options, unchecked_optional_param_type = "AuthOptions")]
        options_value: JsValue,
    ) -> Result<Covault, JsValue> {
        let passphrase = zeroize::Zeroizing::new(passphrase);
        let (given, options_value) = secret_and_options(secret_key, options_value)?;
        let opts = options(&options_value)?;
        let email_key = device::normalize_email(&email);
        let secret = match &given {
            Some(text) => SecretKey::parse(text).map_err(ClientError::from)?,
            None => device::recall(&url, &email_key).await?,
        };
        if opts.remember_device && given.is_some() {
            device::check_available().await?;
        }
        let printable = secret.to_printable();
        let report = reporter(opts.on_progress);
        let session = Session::login(
            GlooTransport::new(&url),
            &email,
            &passphrase,
            &printable,
            &report,
        )
        .await
        .map_err(|e| match e {
            ClientError::Unauthorized(_) if given.is_none() => ClientError::Unauthorized(
                "wrong email or passphrase (with the secret key this device remembers)".into(),
            ),
            other => other,
        })?;
        // Only a secret key that just logged in is remembered (one remembered already stays).
        if opts.remember_device && given.is_some() {
            device::remember(&url, &email_key, &secret).await?;
        }
        Ok(Covault {
            session,
            recovery_kit: None,
        })
    }

    /// Forgets the secret key this device remembers for the Vault at `url` and `email`;
    /// resolves to whether there was one. The account and its sessions are untouched.
    /// (Promises straight from the store: no Rust future, which keeps the module smaller.)
    #[wasm_bindgen(js_name = forgetDevice, unchecked_return_type = "Promise<boolean>")]
    pub fn forget_device(url: String, email: String) -> js_sys::Promise {
        device::device_forget(&url, &device::normalize_email(&email))
    }

    /// Whether this device remembers a secret key for the Vault at `url` and `email` (so that
    /// `login` needs only the passphrase); false where nothing can be remembered.
    #[wasm_bindgen(js_name = isRemembered, unchecked_return_type = "Promise<boolean>")]
    pub fn is_remembered(url: String, email: String) -> js_sys::Promise {
        device::device_remembers(&url, &device::normalize_email(&email))
    }

    /// The recovery kit, on the object `signup` returned; undefined after `login`.
    #[wasm_bindgen(getter, js_name = recoveryKit, unchecked_return_type = "RecoveryKit | undefined")]
    pub fn recovery_kit(&self) -> Result<JsValue, JsValue> {
        match &self.recovery_kit {
            Some(kit) => to_js(kit),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The user.
    #[wasm_bindgen(getter, unchecked_return_type = "User")]
    pub fn user(&self) -> Result<JsValue, JsValue> {
        to_js(self.session.user())
    }

    /// Ends the session on the Vault.
    pub async fn logout(&self) -> Result<(), JsValue> {
        let s = &self.session;
        s.api().logout().await?;
        Ok(())
    }

    /// Changes the passphrase: the current one proves to the Vault that this is the owner (a
    /// stolen session token is not enough); only the KEK is re-wrapped.
    #[wasm_bindgen(js_name = changePassphrase)]
    pub async fn change_passphrase(
        &self,
        #[wasm_bindgen(js_name = currentPassphrase)] current_passphrase: String,
        #[wasm_bindgen(js_name = newPassphrase)] new_passphrase: String,
        #[wasm_bindgen(unchecked_param_type = "AuthOptions")] options_value: JsValue,
    ) -> Result<(), JsValue> {
        let s = &self.session;
        let current_passphrase = zeroize::Zeroizing::new(current_passphrase);
        let new_passphrase = zeroize::Zeroizing::new(new_passphrase);
        let opts = options(&options_value)?;
        let report = reporter(opts.on_progress);
        s.change_passphrase(&current_passphrase, &new_passphrase, opts.kdf, &report)
            .await?;
        Ok(())
    }

    /// Creates an item from a label and slots (`{name: value}`).
    #[wasm_bindgen(js_name = createItem, unchecked_return_type = "PlainItem")]
    pub async fn create_item(
        &self,
        label: String,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] slots: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] types: JsValue,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let slots: BTreeMap<String, String> = from_js(slots, "slots")?;
        let types: BTreeMap<String, String> = if types.is_undefined() || types.is_null() {
            BTreeMap::new()
        } else {
            from_js(types, "slot types")?
        };
        to_js(&s.create_typed_item(&label, &slots, &types).await?)
    }

    /// All items, decrypted.
    #[wasm_bindgen(js_name = listItems, unchecked_return_type = "PlainItem[]")]
    pub async fn list_items(&self) -> Result<JsValue, JsValue> {
        to_js(&self.session.list_items().await?)
    }

    /// One item, decrypted.
    #[wasm_bindgen(js_name = getItem, unchecked_return_type = "PlainItem")]
    pub async fn get_item(&self, id: String) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.get_item(&id).await?)
    }

    /// What the Vault stores for an item: its ciphertext record.
    #[wasm_bindgen(js_name = getItemRecord, unchecked_return_type = "ItemRecord")]
    pub async fn get_item_record(&self, id: String) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.api().item(&id).await?)
    }

    /// Replaces an item's label and slots, then refreshes every share made from it (each
    /// one that fails is in `shares.failed`, never skipped silently).
    #[wasm_bindgen(js_name = updateItem, unchecked_return_type = "ItemUpdate")]
    pub async fn update_item(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PlainItem")] item: JsValue,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let item: PlainItem = from_js(item, "item")?;
        to_js(&s.update_item_and_shares(&item).await?)
    }

    /// Who holds copies of an item: your shares' recipients (checked) and on-shares (as
    /// the Vault reports them).
    #[wasm_bindgen(js_name = itemHolders, unchecked_return_type = "ItemHolder[]")]
    pub async fn item_holders(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.item_holders(&item_id).await?)
    }

    /// Removes one slot from an item, as its next version; `InvalidInput` if it has none of
    /// that name.
    #[wasm_bindgen(js_name = removeSlot, unchecked_return_type = "PlainItem")]
    pub async fn remove_slot(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
        #[wasm_bindgen(js_name = slotName)] slot_name: String,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.session.remove_slot(&item_id, &slot_name).await?)
    }

    /// Deletes an item.
    #[wasm_bindgen(js_name = deleteItem)]
    pub async fn delete_item(&self, id: String) -> Result<(), JsValue> {
        let s = &self.session;
        s.delete_item(&id).await?;
        Ok(())
    }

    /// Invites someone by email with a fresh connection keypair. Returns the invitation id and
    /// the single-use token to pass on (the Vault emails it too when it has SMTP).
    #[wasm_bindgen(unchecked_return_type = "CreatedInvitation")]
    pub async fn invite(&self, email: String) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.invite(&email).await?)
    }

    /// Accepts an invitation with a fresh keypair of our own.
    #[wasm_bindgen(js_name = acceptInvitation, unchecked_return_type = "Connection")]
    pub async fn accept_invitation(
        &self,
        #[wasm_bindgen(js_name = invitationId)] invitation_id: String,
        token: String,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.accept_invitation(&invitation_id, &token).await?)
    }

    /// All connections, each with its fingerprint.
    #[wasm_bindgen(unchecked_return_type = "Connection[]")]
    pub async fn connections(&self) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.connections().await?)
    }

    /// One connection, with its fingerprint.
    #[wasm_bindgen(unchecked_return_type = "Connection")]
    pub async fn connection(&self, id: String) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.connection(&id).await?)
    }

    /// Marks a connection verified once the user compared fingerprints with the peer. Pass
    /// what the peer read out as `fingerprint` to have it checked (`KeyMismatch` if it differs).
    #[wasm_bindgen(js_name = verifyConnection, unchecked_return_type = "Connection")]
    pub async fn verify_connection(
        &self,
        id: String,
        fingerprint: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.verify_connection(&id, fingerprint.as_deref()).await?)
    }

    /// Names a connection for this user only (sealed in the account record); `""` removes it.
    #[wasm_bindgen(js_name = nameConnection, unchecked_return_type = "Connection")]
    pub async fn name_connection(&self, id: String, name: String) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.name_connection(&id, &name).await?)
    }

    /// What this device has seen (versions, deletions), sealed under the KEK. Store it (for
    /// example in IndexedDB) and hand it to `restoreDeviceState` after the next login, so that
    /// the Vault cannot serve anything older than what this device saw.
    #[wasm_bindgen(js_name = exportDeviceState)]
    pub fn export_device_state(&self) -> Result<String, JsValue> {
        Ok(self.session.export_device_state()?)
    }

    /// Takes up a state from `exportDeviceState` and checks the Vault's account record
    /// against it (`Rollback` if older).
    #[wasm_bindgen(js_name = restoreDeviceState)]
    pub async fn restore_device_state(&self, state: String) -> Result<(), JsValue> {
        let s = &self.session;
        s.restore_device_state(&state).await?;
        Ok(())
    }

    /// Shares an item with a connection's peer (HPKE Auth mode), with optional `expiresAt`,
    /// `terms`, `acceptanceRequired`, `slots` and `onSharing`. With an array of connection
    /// ids, shares with each and answers `{ shares, failed }`.
    #[wasm_bindgen(js_name = shareItem, unchecked_return_type = "Share | { shares: Share[]; failed: FailedShare[] }")]
    pub async fn share_item(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
        #[wasm_bindgen(js_name = connectionId, unchecked_param_type = "string | string[]")]
        connection_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ShareOptions")] options_value: JsValue,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let options = share_options(options_value)?;
        if let Some(one) = connection_id.as_string() {
            return to_js(&s.share_item(&item_id, &one, &options).await?);
        }
        let many: Vec<String> = from_js(connection_id, "connection ids")?;
        let (shares, failed) = s.share_item_with_all(&item_id, &many, &options).await?;
        to_js(&ManyShares { shares, failed })
    }

    /// Shares an incoming share on to one of your connections, if its sender permitted it
    /// (`NotPermitted` otherwise); the values are checked against the original owner's first.
    #[wasm_bindgen(js_name = onShare, unchecked_return_type = "Share")]
    pub async fn on_share(
        &self,
        #[wasm_bindgen(js_name = shareId)] share_id: String,
        #[wasm_bindgen(js_name = connectionId)] connection_id: String,
        #[wasm_bindgen(unchecked_param_type = "ShareOptions")] options_value: JsValue,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let options = share_options(options_value)?;
        to_js(&s.on_share(&share_id, &connection_id, &options).await?)
    }

    /// Creates many items, 500 per request (each batch one transaction); every item is
    /// checked first; `onProgress(done, total)` after each batch.
    #[wasm_bindgen(js_name = createItems, unchecked_return_type = "PlainItem[]")]
    pub async fn create_items(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "{ label: string; slots: Record<string, string>; types?: Record<string, string> }[]"
        )]
        items: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "{ onProgress?: (done: number, total: number) => void }"
        )]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let items: Vec<crate::client::NewPlainItem> = from_js(items, "items")?;
        let progress = counter(options)?;
        to_js(&s.create_items(&items, &progress).await?)
    }

    /// Imports a Bitwarden (unencrypted JSON, `"bitwarden"`) or 1Password (CSV,
    /// `"1password"`) export: all of it checked first (every bad row named, then nothing
    /// imported), then created 500 per request; `onProgress(done, total)` after each batch.
    #[wasm_bindgen(js_name = importItems, unchecked_return_type = "PlainItem[]")]
    pub async fn import_items(
        &self,
        text: String,
        #[wasm_bindgen(unchecked_param_type = "\"bitwarden\" | \"1password\"")] format: String,
        #[wasm_bindgen(
            unchecked_param_type = "{ onProgress?: (done: number, total: number) => void }"
        )]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let format = crate::client::import::Format::parse(&format)?;
        let items = crate::client::import::read(format, &text)?;
        let progress = counter(options)?;
        to_js(&s.create_items(&items, &progress).await?)
    }

    /// Shares many items with one connection, 500 per request (each share with its kept DEK
    /// in one transaction); `onProgress(done, total)` after each batch.
    #[wasm_bindgen(js_name = shareItems, unchecked_return_type = "Share[]")]
    pub async fn share_items(
        &self,
        #[wasm_bindgen(js_name = itemIds, unchecked_param_type = "string[]")] item_ids: JsValue,
        #[wasm_bindgen(js_name = connectionId)] connection_id: String,
        #[wasm_bindgen(
            unchecked_param_type = "ShareOptions & { onProgress?: (done: number, total: number) => void }"
        )]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let ids: Vec<String> = from_js(item_ids, "item ids")?;
        let progress = counter(options.clone())?;
        let share_options = if options.is_undefined() || options.is_null() {
            ShareOptions::default()
        } else {
            let copy = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
            js_sys::Reflect::delete_property(&copy, &"onProgress".into())?;
            share_options(copy.into())?
        };
        to_js(
            &s.share_items(&ids, &connection_id, &share_options, &progress)
                .await?,
        )
    }

    /// Rejects a share shared with you; its sender sees the rejection (proven by a receipt).
    #[wasm_bindgen(js_name = rejectShare, unchecked_return_type = "Share")]
    pub async fn reject_share(
        &self,
        #[wasm_bindgen(js_name = shareId)] share_id: String,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.reject_share(&share_id).await?)
    }

    /// Live shares, newest first: `"incoming"` (default, from every user) or `"outgoing"`,
    /// each checked against what its sender sealed (a failed one carries `error`).
    #[wasm_bindgen(js_name = listShares, unchecked_return_type = "ShareView[]")]
    pub async fn list_shares(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"incoming\" | \"outgoing\"")] direction: Option<
            String,
        >,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let direction = match direction.as_deref() {
            None | Some("incoming") => Direction::Incoming,
            Some("outgoing") => Direction::Outgoing,
            Some(other) => {
                return Err(invalid_argument(&format!(
                    "direction must be \"incoming\" or \"outgoing\", not {other:?}"
                )));
            }
        };
        to_js(&s.list_shares(direction).await?)
    }

    /// Reads a share: opens the sealed DEK (only if the connection's peer sealed it) and
    /// decrypts the copy.
    #[wasm_bindgen(js_name = readShare, unchecked_return_type = "ShareView")]
    pub async fn read_share(
        &self,
        #[wasm_bindgen(js_name = shareId)] share_id: String,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.read_share(&share_id).await?)
    }

    /// Every live incoming share, decrypted, in a few requests (see `readShare` for one). A share
    /// that fails to open carries `error` instead of failing the whole call.
    #[wasm_bindgen(js_name = readAllIncoming, unchecked_return_type = "ShareView[]")]
    pub async fn read_all_incoming(&self) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.read_all_incoming().await?)
    }

    /// Accepts a share that requires acceptance.
    #[wasm_bindgen(js_name = acceptShare, unchecked_return_type = "Share")]
    pub async fn accept_share(
        &self,
        #[wasm_bindgen(js_name = shareId)] share_id: String,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.accept_share(&share_id).await?)
    }

    /// Re-encrypts the latest version of what the share was made from (its sealed source)
    /// under the share's DEK (sender only). `itemId` is needed only for a share made before
    /// covault 0.3, and must match the sealed source otherwise.
    #[wasm_bindgen(js_name = updateShare, unchecked_return_type = "Share")]
    pub async fn update_share(
        &self,
        #[wasm_bindgen(js_name = shareId)] share_id: String,
        #[wasm_bindgen(js_name = itemId)] item_id: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.update_share(&share_id, item_id.as_deref()).await?)
    }

    /// Refreshes every share made from an item with its latest version.
    #[wasm_bindgen(js_name = refreshItemShares, unchecked_return_type = "ShareRefresh")]
    pub async fn refresh_item_shares(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.refresh_item_shares(&item_id).await?)
    }

    /// What the Vault holds for this user, undecrypted: wrapped keys, public keys, ciphertexts.
    #[wasm_bindgen(js_name = vaultView, unchecked_return_type = "VaultView")]
    pub async fn vault_view(&self) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.vault_view().await?)
    }

    /// Makes a link to a snapshot of an item for someone without an account. The returned
    /// `url` carries the key in its fragment, which never reaches the Vault.
    #[wasm_bindgen(js_name = createLink, unchecked_return_type = "CreatedLink")]
    pub async fn create_link(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
        #[wasm_bindgen(unchecked_param_type = "LinkOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options: crate::client::links::LinkOptions = from_js(options, "link options")?;
        to_js(&self.session.create_link(&item_id, &options).await?)
    }

    /// This user's links, with the views the Vault counted, each checked against what was
    /// sealed (a difference is that link's `error`).
    #[wasm_bindgen(js_name = listLinks, unchecked_return_type = "LinkView[]")]
    pub async fn list_links(&self) -> Result<JsValue, JsValue> {
        to_js(&self.session.list_links().await?)
    }

    /// Revokes a link: the Vault deletes its ciphertext at once.
    #[wasm_bindgen(js_name = revokeLink)]
    pub async fn revoke_link(&self, id: String) -> Result<(), JsValue> {
        self.session.revoke_link(&id).await?;
        Ok(())
    }

    /// Deletes a share; either side may.
    #[wasm_bindgen(js_name = deleteShare)]
    pub async fn delete_share(
        &self,
        #[wasm_bindgen(js_name = shareId)] share_id: String,
    ) -> Result<(), JsValue> {
        let s = &self.session;
        s.delete_share(&share_id).await?;
        Ok(())
    }
}

/// `options.onProgress(done, total)` as a Rust callback (a no-op when absent).
fn counter(options: JsValue) -> Result<impl Fn(usize, usize), JsValue> {
    let callback = if options.is_undefined() || options.is_null() {
        None
    } else {
        let f = js_sys::Reflect::get(&options, &"onProgress".into())?;
        if f.is_undefined() {
            None
        } else {
            Some(
                f.dyn_into::<js_sys::Function>()
                    .map_err(|_| invalid_argument("options.onProgress must be a function"))?,
            )
        }
    };
    Ok(move |done: usize, total: usize| {
        if let Some(f) = &callback {
            let _ = f.call2(
                &JsValue::NULL,
                &(done as f64).into(),
                &(total as f64).into(),
            );
        }
    })
}

/// Share options from JS; absent means the defaults.
fn share_options(value: JsValue) -> Result<ShareOptions, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(ShareOptions::default())
    } else {
        from_js(value, "share options")
    }
}

/// What sharing to several connections made, and what failed.
#[derive(serde::Serialize)]
struct ManyShares {
    shares: Vec<crate::api::Share>,
    failed: Vec<crate::client::FailedShare>,
}

/// Requests this page has sent to any Vault, and the milliseconds spent waiting for answers:
/// a diagnostic, for telling network time from local work.
#[wasm_bindgen(js_name = requestStats, unchecked_return_type = "{ requests: number; waitingMs: number }")]
pub fn request_stats() -> Result<JsValue, JsValue> {
    let (requests, ms) = crate::client::transport_stats();
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"requests".into(), &(requests as f64).into())?;
    js_sys::Reflect::set(&o, &"waitingMs".into(), &ms.into())?;
    Ok(o.into())
}
