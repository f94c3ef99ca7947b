//! The bulk AES-GCM of attached-file chunks: the browser's WebCrypto when it has it (6 to 8×
//! the wasm path on 1 MiB chunks, docs/benchmarks.md), else the wasm `ChunkCipher`. The nonce,
//! associated data, length checks and framing come from `ChunkCipher` either way, so the two
//! produce the same bytes and open each other's chunks (`tests/web_files.rs` checks both ways).

use zeroize::Zeroizing;

use crate::crypto::CryptoError;
use crate::crypto::stream::{ChunkCipher, FileKey, StreamHeader};

/// Seals and opens one file's chunks with the fastest AES-GCM at hand.
pub struct BulkCipher {
    cipher: ChunkCipher,
    #[cfg(target_arch = "wasm32")]
    web: Option<web::WebKey>,
}

impl BulkCipher {
    /// The cipher for a file; in the browser, the key is imported into WebCrypto once
    /// (non-extractable), and the wasm path is kept as the fallback.
    pub async fn new(key: &FileKey, header: StreamHeader, item_id: &str, file_id: &str) -> Self {
        BulkCipher {
            cipher: ChunkCipher::new(key, header, item_id, file_id),
            #[cfg(target_arch = "wasm32")]
            web: web::WebKey::import(key.expose()).await,
        }
    }

    /// The same cipher without WebCrypto (to compare the two, and where it is missing).
    pub fn wasm_only(key: &FileKey, header: StreamHeader, item_id: &str, file_id: &str) -> Self {
        BulkCipher {
            cipher: ChunkCipher::new(key, header, item_id, file_id),
            #[cfg(target_arch = "wasm32")]
            web: None,
        }
    }

    /// Whether chunks go through WebCrypto.
    pub fn uses_webcrypto(&self) -> bool {
        #[cfg(target_arch = "wasm32")]
        {
            self.web.is_some()
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            false
        }
    }

    /// Seals chunk `index`, as [`ChunkCipher::seal`].
    pub async fn seal(
        &self,
        index: u32,
        last: bool,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        #[cfg(target_arch = "wasm32")]
        if let Some(web) = &self.web {
            self.cipher.check_plaintext(index, last, plaintext.len())?;
            let nonce = self.cipher.nonce(index, last);
            if let Ok(sealed) = web
                .run("encrypt", &nonce, self.cipher.associated_data(), plaintext)
                .await
            {
                return Ok(sealed);
            }
            // WebCrypto refused to encrypt (it never should): the wasm path makes the same bytes.
        }
        self.cipher.seal(index, last, plaintext)
    }

    /// Opens chunk `index`, as [`ChunkCipher::open`]: anything but exactly that chunk of this
    /// file is `Integrity`.
    pub async fn open(
        &self,
        index: u32,
        last: bool,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        #[cfg(target_arch = "wasm32")]
        if let Some(web) = &self.web {
            self.cipher.check_sealed(sealed.len())?;
            let nonce = self.cipher.nonce(index, last);
            return web
                .run("decrypt", &nonce, self.cipher.associated_data(), sealed)
                .await
                .map(Zeroizing::new)
                .map_err(|_| CryptoError::Integrity);
        }
        self.cipher.open(index, last, sealed)
    }
}

#[cfg(target_arch = "wasm32")]
mod web {
    //! `crypto.subtle` through js-sys (no web-sys features needed).

    use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    /// A non-extractable AES-GCM `CryptoKey` and the `SubtleCrypto` it belongs to.
    pub(super) struct WebKey {
        subtle: JsValue,
        key: JsValue,
    }

    async fn call(target: &JsValue, name: &str, args: &Array) -> Result<JsValue, JsValue> {
        let f: Function = Reflect::get(target, &name.into())?.dyn_into()?;
        let promise: Promise = f.apply(target, args)?.dyn_into()?;
        JsFuture::from(promise).await
    }

    impl WebKey {
        /// Imports the key, or `None` where there is no WebCrypto (or it refuses): the wasm
        /// path then does the work. The JS copy of the key bytes is zeroed at once.
        pub(super) async fn import(raw: &[u8; 32]) -> Option<WebKey> {
            let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
            let subtle = Reflect::get(&crypto, &"subtle".into()).ok()?;
            if !subtle.is_object() {
                return None;
            }
            let bytes = Uint8Array::from(&raw[..]);
            let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
            let args = Array::of5(
                &"raw".into(),
                &bytes,
                &"AES-GCM".into(),
                &false.into(),
                &usages,
            );
            let key = call(&subtle, "importKey", &args).await;
            bytes.fill(0, 0, 32);
            Some(WebKey {
                subtle,
                key: key.ok()?,
            })
        }

        fn params(nonce: &[u8; 12], aad: &[u8]) -> Result<Object, JsValue> {
            let params = Object::new();
            Reflect::set(&params, &"name".into(), &"AES-GCM".into())?;
            Reflect::set(&params, &"iv".into(), &Uint8Array::from(&nonce[..]))?;
            Reflect::set(&params, &"additionalData".into(), &Uint8Array::from(aad))?;
            Reflect::set(&params, &"tagLength".into(), &128.into())?;
            Ok(params)
        }

        /// AES-GCM `op` ("encrypt": ciphertext || tag, as `ChunkCipher::seal` makes it;
        /// "decrypt": any failure, a wrong tag above all, is an error).
        pub(super) async fn run(
            &self,
            op: &str,
            nonce: &[u8; 12],
            aad: &[u8],
            data: &[u8],
        ) -> Result<Vec<u8>, JsValue> {
            let input = Uint8Array::from(data);
            let params: JsValue = Self::params(nonce, aad)?.into();
            let args = Array::of3(&params, &self.key, &input);
            let result = call(&self.subtle, op, &args).await;
            // The JS copy of the input goes at once (plaintext when sealing).
            input.fill(0, 0, input.length());
            Ok(Uint8Array::new(&result?).to_vec())
        }
    }
}
