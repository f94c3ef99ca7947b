//! Argon2id off the page's main thread: the browser transport's `stretch` hands the passphrase,
//! salt and parameters to a module Worker (kdf_worker.js) that runs the same wasm module and
//! returns the stretched passphrase. The secret key stays here, on the main thread: HKDF with
//! it (`expand_keys`) is what turns the worker's output into keys. If no worker can run (Node,
//! a page inside a worker, a CSP without `blob:` workers), the caller derives in place.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::crypto::KdfParams;

#[wasm_bindgen(module = "/src/client/kdf_worker.js")]
extern "C" {
    #[wasm_bindgen(js_name = kdfWorkerAvailable)]
    fn kdf_worker_available() -> bool;
    #[wasm_bindgen(js_name = stretchInWorker)]
    fn stretch_in_worker(passphrase: &str, salt: &[u8], m: u32, t: u32, p: u32) -> js_sys::Promise;
}

thread_local! {
    /// Derivations the worker did, for tests that check login ran off the main thread.
    static WORKER_DERIVATIONS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The stretched passphrase from a worker, or `None` when no worker could do it.
pub(crate) async fn stretch(
    passphrase: &str,
    salt: &[u8],
    params: &KdfParams,
) -> Option<Zeroizing<[u8; 32]>> {
    if !kdf_worker_available() {
        return None;
    }
    let promise = stretch_in_worker(
        passphrase,
        salt,
        params.memory_kib,
        params.iterations,
        params.parallelism,
    );
    let bytes: Uint8Array = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    let mut out = Zeroizing::new([0u8; 32]);
    let ok = bytes.length() == 32;
    if ok {
        bytes.copy_to(out.as_mut_slice());
    }
    // The transferred buffer is this call's alone: wipe it now rather than wait for the GC.
    bytes.fill(0, 0, bytes.length());
    if ok {
        WORKER_DERIVATIONS.with(|n| n.set(n.get() + 1));
    }
    ok.then_some(out)
}

/// The worker's entry point (not part of the API): Argon2id of the passphrase, as 32 bytes
/// transferred back to the page. Checks the parameters and salt like every derivation.
#[wasm_bindgen(js_name = __covaultKdfStretch, skip_typescript)]
pub fn kdf_stretch_for_worker(
    passphrase: String,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<Uint8Array, JsValue> {
    let passphrase = Zeroizing::new(passphrase);
    let params = KdfParams {
        memory_kib: m,
        iterations: t,
        parallelism: p,
    };
    crate::crypto::stretch(passphrase.as_bytes(), salt, &params)
        .map(|stretched| Uint8Array::from(stretched.as_slice()))
        .map_err(crate::wasm::to_js_error)
}

/// How many key derivations ran in a Worker in this page so far (for tests and diagnostics:
/// login and sign-up in a page should raise it).
#[wasm_bindgen(js_name = kdfWorkerDerivations)]
pub fn kdf_worker_derivations() -> u32 {
    WORKER_DERIVATIONS.with(std::cell::Cell::get)
}
