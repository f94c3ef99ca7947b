//! Helpers for the browser tests against a real Vault (`web_vault.rs`, `web_hostile.rs`).
#![allow(dead_code)]

pub mod stack;

use covault::wasm::Covault;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

pub const PLAINTEXT: &str = "covault-e2e-plaintext-7f3a9c";
pub const PASSPHRASE: &str = "covault e2e passphrase 4b1d";

pub fn vault() -> &'static str {
    match option_env!("COVAULT_TEST_VAULT_URL") {
        Some(url) => url,
        None => {
            panic!("COVAULT_TEST_VAULT_URL must be set at build time (scripts/test.sh does it)")
        }
    }
}

pub fn proxy(mode: &str) -> String {
    match option_env!("COVAULT_TEST_PROXY_URL") {
        Some(base) => format!("{base}/{mode}"),
        None => {
            panic!("COVAULT_TEST_PROXY_URL must be set at build time (scripts/test.sh does it)")
        }
    }
}

pub fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        Reflect::get(&v, &key.into()).expect("property")
    })
}

pub fn text(value: &JsValue, path: &str) -> String {
    get(value, path)
        .as_string()
        .unwrap_or_else(|| panic!("{path} is not a string"))
}

pub fn floor() -> JsValue {
    let kdf = covault::wasm::floor_kdf_params().unwrap();
    let opts = Object::new();
    Reflect::set(&opts, &"kdf".into(), &kdf).unwrap();
    opts.into()
}

pub async fn signup(name: &str) -> (Covault, String, String) {
    let email = format!(
        "{name}-{}@example.com",
        &covault::crypto::new_id().unwrap()[..8]
    );
    let user = Covault::signup(vault().into(), email.clone(), PASSPHRASE.into(), floor())
        .await
        .expect("signup");
    let kit = user.recovery_kit().unwrap();
    let secret = text(&kit, "secretKey");
    web_sys_log(&format!("covault-scan-needle: {secret}"));
    (user, email, secret)
}

pub fn web_sys_log(line: &str) {
    web_sys_console_log(line);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn web_sys_console_log(s: &str);
}

/// Logs in at `url` (the Vault, or a proxy mode) with no options: the tests' fresh device.
/// `secret` is the secret key, or `undefined` for a device that should remember it.
pub async fn login(
    url: impl Into<String>,
    email: impl Into<String>,
    passphrase: impl Into<String>,
    secret: impl Into<JsValue>,
) -> Result<Covault, JsValue> {
    Covault::login(
        url.into(),
        email.into(),
        passphrase.into(),
        secret.into(),
        JsValue::UNDEFINED,
    )
    .await
}

/// A new item of `label` with these slots (no types): its id.
pub async fn new_item(client: &Covault, label: &str, pairs: &[(&str, &str)]) -> String {
    let item = done(client.create_item(label.into(), slots(pairs), JsValue::UNDEFINED)).await;
    text(&item, "id")
}

/// Awaits a `Covault` call that must succeed.
pub async fn done<T>(call: impl std::future::IntoFuture<Output = Result<T, JsValue>>) -> T {
    call.await
        .unwrap_or_else(|e| panic!("the call failed: {}", error_code(&e)))
}

/// Awaits a `Covault` call that must fail; its error code.
pub async fn fails<T: std::fmt::Debug>(
    call: impl std::future::IntoFuture<Output = Result<T, JsValue>>,
) -> String {
    match call.await {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => error_code(&e),
    }
}

pub fn error_code(e: &JsValue) -> String {
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    assert_eq!(get(e, "name").as_string().as_deref(), Some("CovaultError"));
    get(e, "code").as_string().unwrap_or_default()
}

pub fn slots(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    o.into()
}

pub async fn connect(a: &Covault, b: &Covault, b_email: &str) -> String {
    let inv = done(a.invite(b_email.into())).await;
    let conn = done(b.accept_invitation(text(&inv, "id"), text(&inv, "token"))).await;
    let id = text(&conn, "id");
    // The inviter sees (and so pins) the connection too.
    done(a.connection(id.clone())).await;
    id
}
