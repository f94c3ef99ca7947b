//! Opening a share link in the browser, without an account: `openLink(url, passphrase?)`.

use wasm_bindgen::prelude::*;

use super::client::to_js;
use crate::client::GlooTransport;
use crate::client::links::{open_link as open, split_link_url};

/// Opens a link URL (the key is in its `#fragment`; the Vault is the URL's origin): asks the
/// Vault for the ciphertext (which counts a view), opens it and judges its sealed expiry by
/// this device's clock. `NotFound` for a link that does not exist, expired, was revoked or ran
/// out of views (the Vault does not say which); `Unauthorized` for a wrong passphrase;
/// `Expired` if the Vault serves it after its sealed expiry; `LinkFormat` for a damaged URL.
#[wasm_bindgen(js_name = openLink, unchecked_return_type = "OpenedLinkView")]
pub async fn open_link(url: String, passphrase: Option<String>) -> Result<JsValue, JsValue> {
    let (base, fragment) = split_link_url(&url)?;
    to_js(&open(GlooTransport::new(&base), &fragment, passphrase.as_deref()).await?)
}

/// Whether a link URL needs a passphrase (its fragment says so), so a page can ask first.
#[wasm_bindgen(js_name = linkNeedsPassphrase)]
pub fn link_needs_passphrase(url: String) -> Result<bool, JsValue> {
    let (_, fragment) = split_link_url(&url)?;
    Ok(fragment.needs_passphrase())
}
