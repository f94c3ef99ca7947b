//! A device that remembers (`rememberDevice`, issue 15), in the browser against a real Vault:
//! the second login needs only the passphrase; `forgetDevice` ends that; the record in
//! IndexedDB is sealed (neither the secret key's text nor its bits, under a key that cannot be
//! exported); a tampered or moved record is refused with `Integrity`; accounts and Vaults do
//! not collide. scripts/test.sh starts the Vault and passes its URL at build time.
#![cfg(target_arch = "wasm32")]

use covault::wasm::Covault;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod browser;

use browser::*;

#[wasm_bindgen(inline_js = r#"
const open = () => new Promise((ok, fail) => {
  const r = indexedDB.open("covault-device");
  r.onsuccess = () => ok(r.result);
  r.onerror = () => fail(r.error);
});
const settle = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
/** Every record as [key, value]. */
async function all() {
  const db = await open();
  try {
    const store = db.transaction("secret-keys").objectStore("secret-keys");
    const [keys, values] = await Promise.all([settle(store.getAllKeys()), settle(store.getAll())]);
    return keys.map((k, i) => [k, values[i]]);
  } finally { db.close(); }
}
/** The record for `email` (the test's emails are unique): { key, value }. */
export async function rawRecord(email) {
  const found = (await all()).filter(([, v]) => v?.email === email);
  if (found.length !== 1) throw new Error(`${found.length} records for ${email}`);
  return { key: found[0][0], value: found[0][1] };
}
export async function putRecord(key, value) {
  const db = await open();
  try {
    const tx = db.transaction("secret-keys", "readwrite");
    tx.objectStore("secret-keys").put(value, key);
    await new Promise((ok, fail) => { tx.oncomplete = ok; tx.onerror = () => fail(tx.error); });
  } finally { db.close(); }
}
const contains = (hay, needle) => {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
};
/** What in `value` shows any of `needles` (strings, or Uint8Arrays of bytes), or a key that
 * can be exported: a list of problems, empty when the record is sealed. */
export async function leaks(value, needles) {
  const problems = [];
  const text = new TextDecoder();
  const walk = async (v, path) => {
    if (v instanceof CryptoKey) {
      if (v.extractable) problems.push(`${path} is extractable`);
      try { await crypto.subtle.exportKey("raw", v); problems.push(`${path} exports`); } catch {}
      return;
    }
    if (v instanceof ArrayBuffer) v = new Uint8Array(v);
    if (ArrayBuffer.isView(v)) {
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      for (const n of needles) {
        const b = typeof n === "string" ? new TextEncoder().encode(n) : n;
        if (contains(bytes, b)) problems.push(`${path} holds ${typeof n === "string" ? n : "the raw bits"}`);
      }
      if (needles.some((n) => typeof n === "string" && text.decode(bytes).includes(n))) problems.push(`${path} decodes to it`);
      return;
    }
    if (typeof v === "string") {
      for (const n of needles) if (typeof n === "string" && v.includes(n)) problems.push(`${path} is ${n}`);
      return;
    }
    if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) await walk(x, `${path}.${k}`);
  };
  await walk(value, "record");
  return problems;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = rawRecord, catch)]
    fn raw_record(email: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_name = putRecord)]
    fn put_record(key: &JsValue, value: &JsValue) -> js_sys::Promise;
    fn leaks(value: &JsValue, needles: &js_sys::Array) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    /// WebCrypto's key object (no web-sys here).
    type CryptoKey;
}

async fn wait(promise: js_sys::Promise) -> JsValue {
    JsFuture::from(promise)
        .await
        .expect("the test's IndexedDB call")
}

/// `{ rememberDevice: true }`, with the floor KDF for sign-up.
fn remember() -> JsValue {
    let opts = floor();
    Reflect::set(&opts, &"rememberDevice".into(), &true.into()).unwrap();
    opts
}

/// Logs in with the secret key and `rememberDevice`, which must succeed.
async fn login_remembering(email: &str, secret: &str) -> Covault {
    done(Covault::login(
        vault().into(),
        email.into(),
        PASSPHRASE.into(),
        secret.into(),
        remember(),
    ))
    .await
}

/// A new account remembered on this device: its email, secret key and raw IndexedDB record.
async fn remembered(name: &str) -> (String, String, JsValue) {
    let (_, email, secret) = signup(name).await;
    login_remembering(&email, &secret).await;
    let record = wait(raw_record(&email).unwrap()).await;
    (email, secret, record)
}

async fn remembered_login(email: &str) -> Result<Covault, JsValue> {
    login(vault(), email, PASSPHRASE, JsValue::UNDEFINED).await
}

/// A login that must fail: its error code.
async fn refused(login: impl std::future::Future<Output = Result<Covault, JsValue>>) -> String {
    fails(async { login.await.map(|c| text(&c.user().unwrap(), "email")) }).await
}

async fn is_remembered(url: &str, email: &str) -> bool {
    wait(Covault::is_remembered(url.into(), email.into()))
        .await
        .as_bool()
        .expect("a boolean")
}

async fn forget(email: &str) -> bool {
    done(JsFuture::from(Covault::forget_device(
        vault().into(),
        email.into(),
    )))
    .await
    .as_bool()
    .expect("a boolean")
}

/// The 128 key bits of a printable secret key (Crockford base32, the CRC-12 after them).
fn raw_bits(printable: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let body: Vec<u8> = printable
        .trim_start_matches("CV1")
        .bytes()
        .filter(|&c| c != b'-')
        .collect();
    let bits: Vec<u8> = body
        .iter()
        .flat_map(|c| {
            let v = ALPHABET.iter().position(|a| a == c).expect("base32") as u8;
            (0..5).rev().map(move |i| (v >> i) & 1)
        })
        .collect();
    bits[..128]
        .chunks(8)
        .map(|byte| byte.iter().fold(0, |acc, &b| (acc << 1) | b))
        .collect()
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn a_remembered_device_logs_in_with_the_passphrase_alone_until_it_forgets() {
    let (_, email, secret) = signup("device").await;
    assert!(!is_remembered(vault(), &email).await);
    assert_eq!(
        refused(remembered_login(&email)).await,
        "NotRemembered",
        "nothing remembered yet"
    );

    // The first login on this device gives the secret key and asks to remember it.
    let first = login_remembering(&email, &secret).await;
    assert_eq!(text(&first.user().unwrap(), "email"), email);
    assert!(is_remembered(vault(), &email).await);
    assert!(
        is_remembered(&format!("{}/", vault()), &email.to_uppercase()).await,
        "the same Vault and email, written differently"
    );

    // The next ones need only the passphrase, whichever way "no secret key" is said.
    for nothing in [JsValue::UNDEFINED, JsValue::NULL, JsValue::from_str("")] {
        let again = done(login(vault(), &email, PASSPHRASE, nothing)).await;
        assert_eq!(text(&again.user().unwrap(), "email"), email);
        assert_eq!(
            text(&again.user().unwrap(), "id"),
            text(&first.user().unwrap(), "id")
        );
    }
    // As the issue writes it: the options in the secret key's place.
    let opts = Object::new();
    Reflect::set(&opts, &"rememberDevice".into(), &true.into()).unwrap();
    done(login(vault(), &email, PASSPHRASE, opts)).await;

    // A thief with the device still needs the passphrase; the record stays.
    assert_eq!(
        refused(login(
            vault(),
            &email,
            "not the passphrase",
            JsValue::UNDEFINED
        ))
        .await,
        "Unauthorized"
    );
    assert!(is_remembered(vault(), &email).await);

    // Forgetting: once true, then nothing left to forget.
    assert!(forget(&email).await);
    assert!(!forget(&email).await);
    assert!(!is_remembered(vault(), &email).await);
    assert_eq!(refused(remembered_login(&email)).await, "NotRemembered");
    // The account itself is untouched: the secret key still logs in.
    done(login(vault(), &email, PASSPHRASE, secret)).await;
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn the_record_holds_neither_the_secret_key_nor_an_exportable_key() {
    let (email, secret, record) = remembered("sealed").await;
    let value = get(&record, "value");
    assert!(
        get(&value, "key").is_instance_of::<CryptoKey>(),
        "the sealing key is a CryptoKey"
    );
    let canonical: String = secret.chars().filter(|&c| c != '-').collect();
    let needles = js_sys::Array::of3(
        &secret.clone().into(),
        &canonical.into(),
        &js_sys::Uint8Array::from(raw_bits(&secret).as_slice()).into(),
    );
    let problems = wait(leaks(&value, &needles)).await;
    let problems: Vec<String> = js_sys::Array::from(&problems)
        .iter()
        .filter_map(|p| p.as_string())
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    // The test's own check works: the plaintext would be found.
    let plain = Object::new();
    Reflect::set(
        &plain,
        &"sealed".into(),
        &js_sys::Uint8Array::from(secret.as_bytes()).into(),
    )
    .unwrap();
    let found = wait(leaks(&plain.into(), &needles)).await;
    assert!(js_sys::Array::from(&found).length() > 0);
    forget(&email).await;
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn a_tampered_record_is_refused_and_the_secret_key_puts_it_right() {
    let (email, secret, record) = remembered("tampered").await;
    let key = get(&record, "key");
    let value = get(&record, "value");

    // One bit of the ciphertext flipped.
    let sealed = js_sys::Uint8Array::new(&get(&value, "sealed")).slice(0, u32::MAX);
    sealed.set_index(3, sealed.get_index(3) ^ 1);
    let flipped = Object::assign(&Object::new(), value.unchecked_ref());
    Reflect::set(&flipped, &"sealed".into(), &sealed).unwrap();
    wait(put_record(&key, &flipped)).await;
    assert_eq!(refused(remembered_login(&email)).await, "Integrity");

    // Something else entirely in its place.
    wait(put_record(&key, &"CV1-not-a-record".into())).await;
    assert_eq!(refused(remembered_login(&email)).await, "Integrity");
    assert!(
        is_remembered(vault(), &email).await,
        "a refused record is not deleted behind the user's back"
    );

    // Nothing is lost: the secret key logs in and, remembered again, replaces the record.
    login_remembering(&email, &secret).await;
    done(remembered_login(&email)).await;
    assert!(forget(&email).await);
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn two_accounts_on_one_device_do_not_collide_and_a_moved_record_does_not_open() {
    // Bob's secret key remembered from sign-up.
    let (_, alice, alice_secret) = signup("alice-device").await;
    let bob = format!(
        "bob-device-{}@example.com",
        &covault::crypto::new_id().unwrap()[..8]
    );
    let bob_user = done(Covault::signup(
        vault().into(),
        bob.clone(),
        PASSPHRASE.into(),
        remember(),
    ))
    .await;
    let bob_secret = text(&bob_user.recovery_kit().unwrap(), "secretKey");
    web_sys_log(&format!("covault-scan-needle: {bob_secret}"));
    let bob_id = text(&bob_user.user().unwrap(), "id");
    assert!(is_remembered(vault(), &bob).await, "remembered at sign-up");
    assert!(!is_remembered(vault(), &alice).await);
    login_remembering(&alice, &alice_secret).await;

    // Each logs in as themselves with the passphrase alone (they share it, on purpose).
    let a = done(remembered_login(&alice)).await;
    let b = done(remembered_login(&bob)).await;
    assert_eq!(text(&a.user().unwrap(), "email"), alice);
    assert_eq!(text(&b.user().unwrap(), "id"), bob_id);

    // Another Vault knows nothing of them.
    assert!(!is_remembered("http://127.0.0.1:9/", &alice).await);

    // Alice's record copied into Bob's place does not open: its AAD names Alice.
    let bob_record = wait(raw_record(&bob).unwrap()).await;
    let alice_record = wait(raw_record(&alice).unwrap()).await;
    let moved = Object::assign(&Object::new(), get(&alice_record, "value").unchecked_ref());
    Reflect::set(&moved, &"email".into(), &bob.clone().into()).unwrap();
    wait(put_record(&get(&bob_record, "key"), &moved)).await;
    assert_eq!(refused(remembered_login(&bob)).await, "Integrity");

    // Forgetting Bob leaves Alice.
    assert!(forget(&bob).await);
    done(remembered_login(&alice)).await;
    assert!(forget(&alice).await);
}
