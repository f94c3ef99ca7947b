//! The Vault client for JavaScript: `Covault.signup(url, email, passphrase)` and friends,
//! Promise-returning and camelCase. Every method forwards to [`crate::client::Session`].

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use super::error::{invalid_argument, js_error};
use crate::api::Direction;
use crate::client::casing::{USER_DATA_KEYS, camel_case};
use crate::client::{
    ClientError, GlooTransport, PlainItem, Progress, RecoveryKit, Session, ShareOptions,
};
use crate::crypto::KdfParams;

#[wasm_bindgen(typescript_custom_section)]
const CLIENT_TYPES: &str = r#"
/** Options for signup, login and changePassphrase. */
export interface AuthOptions {
  /** Argon2id parameters for a new account or passphrase (default m = 64 MiB, t = 3, p = 4). */
  kdf?: KdfParams;
  /** Called with "deriving-keys" before Argon2id runs and "keys-derived" after. */
  onProgress?: (step: "deriving-keys" | "keys-derived") => void;
}
export interface RecoveryKit { vaultUrl: string; email: string; secretKey: string }
export interface User { id: string; email: string; createdAt: string }
/** An item as one write sealed it; `version` is the write's (send it back unchanged to `updateItem`). */
export interface PlainItem { id: string; version: number; label: string; slots: Record<string, string> }
export interface ConnectionSide { userId: string; email: string; publicKey: string; keypairId: string }
/** A connection as pinned by this account: `fingerprint` is the safety number from the pinned keys; `verified` once `verifyConnection` was called. */
export interface Connection { id: string; me: ConnectionSide; peer: ConnectionSide; createdAt: string; fingerprint: string; verified: boolean }
export interface CreatedInvitation { id: string; token: string; expiresAt: string }
export interface ShareOptions { expiresAt?: string; terms?: string; acceptanceRequired?: boolean }
export interface Share {
  id: string; connectionId: string; senderId: string; senderEmail: string; recipientId: string; recipientEmail: string;
  label: string | null; slots: Record<string, string> | null; sealedDek: string | null;
  expiresAt: string | null; terms: string | null; acceptanceRequired: boolean; acceptedAt: string | null;
  acceptance: string | null; version: number; createdAt: string; updatedAt: string;
}
/** A share as this client checked it. In lists, a share that failed its checks has `error` (and no `item`). */
export interface ShareView {
  share: Share;
  /** Accepted, proven by the recipient's receipt. */
  accepted: boolean;
  /** Made before covault 0.2: its terms, expiry and acceptance setting are not sealed. */
  legacy: boolean;
  item: PlainItem | null;
  error: { code: CovaultErrorCode; message: string } | null;
}
export interface VaultView {
  wrappedKek: string;
  deks: { id: string; wrappedKey: string; createdAt: string }[];
  keypairs: { id: string; publicKey: string; wrappedPrivateKey: string; createdAt: string }[];
  items: ItemRecord[];
  connections: Omit<Connection, "fingerprint" | "verified">[];
  outgoingShares: Share[];
  incomingShares: Share[];
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

fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|e| bad_argument(what, e))
}

#[inline(never)]
fn bad_argument(what: &str, error: serde_wasm_bindgen::Error) -> JsValue {
    invalid_argument(&format!("{what}: {error}"))
}

struct Options {
    kdf: Option<KdfParams>,
    on_progress: Option<js_sys::Function>,
}

fn options(value: &JsValue) -> Result<Options, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Options {
            kdf: None,
            on_progress: None,
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
    Ok(Options { kdf, on_progress })
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
        let report = reporter(opts.on_progress);
        let (session, kit) = Session::signup_with(
            GlooTransport::new(&url),
            &email,
            &passphrase,
            opts.kdf.unwrap_or_default(),
            &report,
        )
        .await?;
        Ok(Covault {
            session,
            recovery_kit: Some(kit),
        })
    }

    /// Logs in with the passphrase and the secret key from the recovery kit. Throws
    /// `KdfTooWeak` if the Vault hands out parameters below the floor.
    #[wasm_bindgen(unchecked_return_type = "Covault")]
    pub async fn login(
        url: String,
        email: String,
        passphrase: String,
        #[wasm_bindgen(js_name = secretKey)] secret_key: String,
        #[wasm_bindgen(unchecked_param_type = "AuthOptions")] options_value: JsValue,
    ) -> Result<Covault, JsValue> {
        let passphrase = zeroize::Zeroizing::new(passphrase);
        let secret_key = zeroize::Zeroizing::new(secret_key);
        let opts = options(&options_value)?;
        let report = reporter(opts.on_progress);
        let session = Session::login(
            GlooTransport::new(&url),
            &email,
            &passphrase,
            &secret_key,
            &report,
        )
        .await?;
        Ok(Covault {
            session,
            recovery_kit: None,
        })
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
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let slots: BTreeMap<String, String> = from_js(slots, "slots")?;
        to_js(&s.create_item(&label, &slots).await?)
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

    /// Replaces an item's label and slots.
    #[wasm_bindgen(js_name = updateItem, unchecked_return_type = "PlainItem")]
    pub async fn update_item(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PlainItem")] item: JsValue,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let item: PlainItem = from_js(item, "item")?;
        to_js(&s.update_item(&item).await?)
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
    /// `terms` and `acceptanceRequired`.
    #[wasm_bindgen(js_name = shareItem, unchecked_return_type = "Share")]
    pub async fn share_item(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
        #[wasm_bindgen(js_name = connectionId)] connection_id: String,
        #[wasm_bindgen(unchecked_param_type = "ShareOptions")] options_value: JsValue,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        let options: ShareOptions = if options_value.is_undefined() || options_value.is_null() {
            ShareOptions::default()
        } else {
            from_js(options_value, "share options")?
        };
        to_js(&s.share_item(&item_id, &connection_id, &options).await?)
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

    /// Re-encrypts the latest version of an item under the share's DEK (sender only).
    #[wasm_bindgen(js_name = updateShare, unchecked_return_type = "Share")]
    pub async fn update_share(
        &self,
        #[wasm_bindgen(js_name = shareId)] share_id: String,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
    ) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.update_share(&share_id, &item_id).await?)
    }

    /// What the Vault holds for this user, undecrypted: wrapped keys, public keys, ciphertexts.
    #[wasm_bindgen(js_name = vaultView, unchecked_return_type = "VaultView")]
    pub async fn vault_view(&self) -> Result<JsValue, JsValue> {
        let s = &self.session;
        to_js(&s.vault_view().await?)
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
