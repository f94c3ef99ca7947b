//! Attached files for JavaScript: `attachFile(itemId, blob, { onProgress })` reads a `File` or
//! `Blob` one chunk at a time (`blob.slice(…).arrayBuffer()`), and `readFile(itemId, fileId)`
//! returns a `ReadableStream<Uint8Array>` that fetches and checks one chunk per `pull`. Neither
//! holds more than a chunk or two in wasm memory, whatever the file's size. Keys, framing and
//! checks stay in [`crate::client::Session`]; this layer only moves bytes.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::client::{Covault, to_js};
use super::error::invalid_argument;
use crate::client::{ClientError, FileReader, FileSource, GlooTransport};

#[wasm_bindgen(typescript_custom_section)]
const FILE_TYPES: &str = r#"
/** An attached file, as its owner sealed it in the item. */
export interface AttachedFile { id: string; name: string; mediaType: string; size: number; chunkCount: number }
/** Options for attachFile. */
export interface AttachOptions {
  /** Called after each chunk is stored, with the bytes done and the file's size. */
  onProgress?: (done: number, total: number) => void;
}
"#;

fn js_failure(what: &str, e: JsValue) -> ClientError {
    ClientError::InvalidInput(format!("{what}: {}", e.as_string().unwrap_or_default()))
}

fn method(target: &JsValue, name: &str) -> Result<Function, ClientError> {
    Reflect::get(target, &name.into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| ClientError::InvalidInput(format!("expected a Blob with {name}()")))
}

/// A `Blob` (or `File`), read in slices.
struct BlobSource(JsValue);

impl FileSource for BlobSource {
    async fn read(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ClientError> {
        let end = offset.saturating_add(len as u64);
        let slice = method(&self.0, "slice")?
            .call2(&self.0, &(offset as f64).into(), &(end as f64).into())
            .map_err(|e| js_failure("Blob.slice", e))?;
        let promise: Promise = method(&slice, "arrayBuffer")?
            .call0(&slice)
            .map_err(|e| js_failure("Blob.arrayBuffer", e))?
            .dyn_into()
            .map_err(|e| js_failure("Blob.arrayBuffer", e))?;
        let buffer = JsFuture::from(promise)
            .await
            .map_err(|e| js_failure("reading the Blob", e))?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }
}

fn string_field(value: &JsValue, name: &str) -> String {
    Reflect::get(value, &name.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// What a stream's `pull` works from: the reader (dropped, with its key, once the stream is
/// done or cancelled, even when cancelled during a pull). It reads in order.
struct Download {
    reader: Option<FileReader<GlooTransport>>,
    cancelled: bool,
}

async fn pull(state: Rc<RefCell<Download>>, controller: JsValue) -> Result<JsValue, JsValue> {
    let Some(mut reader) = state.borrow_mut().reader.take() else {
        return Ok(JsValue::UNDEFINED);
    };
    let call = |name: &str, arg: Option<&JsValue>| -> Result<JsValue, JsValue> {
        let f = method(&controller, name).map_err(JsValue::from)?;
        match arg {
            Some(arg) => f.call1(&controller, arg),
            None => f.call0(&controller),
        }
    };
    let next = reader.next_chunk().await;
    if state.borrow().cancelled {
        // Cancelled during this pull: the reader (and its key) goes, nothing is enqueued.
        return Ok(JsValue::UNDEFINED);
    }
    match next {
        // The stream errors with the covault error; the reader (and its key) goes.
        Some(Err(e)) => {
            call("error", Some(&JsValue::from(e)))?;
        }
        Some(Ok(chunk)) => {
            call("enqueue", Some(&Uint8Array::from(chunk.as_slice()).into()))?;
            // The reader is put back unless that was the last chunk.
            if reader.is_done() {
                call("close", None)?;
            } else {
                state.borrow_mut().reader = Some(reader);
            }
        }
        None => {
            call("close", None)?;
        }
    }
    Ok(JsValue::UNDEFINED)
}

#[wasm_bindgen]
impl Covault {
    /// Attaches a `File` or `Blob` to one of the user's items: read and encrypted one chunk at
    /// a time, uploaded in order (resuming after a dropped connection), then named in the
    /// item's sealed file list as its next version. The name and media type are the File's.
    #[wasm_bindgen(js_name = attachFile, unchecked_return_type = "AttachedFile")]
    pub async fn attach_file(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
        #[wasm_bindgen(unchecked_param_type = "Blob")] file: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AttachOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let size = Reflect::get(&file, &"size".into())?
            .as_f64()
            .filter(|s| *s >= 0.0)
            .ok_or_else(|| invalid_argument("file: expected a Blob or File"))?;
        let (name, media_type) = (string_field(&file, "name"), string_field(&file, "type"));
        let on_progress = if options.is_object() {
            Reflect::get(&options, &"onProgress".into())?
                .dyn_into::<Function>()
                .ok()
        } else {
            None
        };
        let progress = |done: u64, total: u64| {
            if let Some(f) = &on_progress {
                let _ = f.call2(
                    &JsValue::NULL,
                    &(done as f64).into(),
                    &(total as f64).into(),
                );
            }
        };
        let attached = self
            .session
            .attach_file(
                &item_id,
                &name,
                &media_type,
                size as u64,
                &mut BlobSource(file),
                &progress,
            )
            .await?;
        to_js(&attached)
    }

    /// The files attached to an item, from its sealed file list.
    #[wasm_bindgen(js_name = listFiles, unchecked_return_type = "AttachedFile[]")]
    pub async fn list_files(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.session.list_files(&item_id).await?)
    }

    /// An attached file as a `ReadableStream<Uint8Array>`: each `pull` fetches one chunk and
    /// checks it (a chunk the Vault tampered with errors the stream with `Integrity`), so a
    /// file of any size streams through a bounded amount of memory. For a Blob:
    /// `await new Response(stream).blob()` (which reports a stream error as a plain
    /// `TypeError`; `stream.getReader().read()` rejects with the `CovaultError` itself).
    #[wasm_bindgen(js_name = readFile, unchecked_return_type = "ReadableStream<Uint8Array>")]
    pub async fn read_file(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
        #[wasm_bindgen(js_name = fileId)] file_id: String,
    ) -> Result<JsValue, JsValue> {
        stream_of(self.session.open_file(&item_id, &file_id).await?)
    }

    /// Removes a file from an item (the item's next version); the Vault deletes its chunks.
    #[wasm_bindgen(js_name = removeFile)]
    pub async fn remove_file(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: String,
        #[wasm_bindgen(js_name = fileId)] file_id: String,
    ) -> Result<(), JsValue> {
        self.session.remove_file(&item_id, &file_id).await?;
        Ok(())
    }

    /// Lets the recipient of one of your shares download the files of its copy (call after
    /// `shareItem` or `updateShare`; it replaces the previous set).
    #[wasm_bindgen(js_name = shareFiles, unchecked_return_type = "AttachedFile[]")]
    pub async fn share_files(
        &self,
        #[wasm_bindgen(js_name = shareId)] share_id: String,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.session.share_files(&share_id).await?)
    }

    /// The files of a share, from its sealed copy.
    #[wasm_bindgen(js_name = listSharedFiles, unchecked_return_type = "AttachedFile[]")]
    pub async fn list_shared_files(
        &self,
        #[wasm_bindgen(js_name = shareId)] share_id: String,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.session.list_shared_files(&share_id).await?)
    }

    /// A file of a share as a `ReadableStream<Uint8Array>`, checked chunk by chunk as
    /// `readFile` does.
    #[wasm_bindgen(
        js_name = readSharedFile,
        unchecked_return_type = "ReadableStream<Uint8Array>"
    )]
    pub async fn read_shared_file(
        &self,
        #[wasm_bindgen(js_name = shareId)] share_id: String,
        #[wasm_bindgen(js_name = fileId)] file_id: String,
    ) -> Result<JsValue, JsValue> {
        stream_of(self.session.open_shared_file(&share_id, &file_id).await?)
    }
}

/// A `ReadableStream` whose `pull` reads and checks the reader's next chunk.
fn stream_of(reader: FileReader<GlooTransport>) -> Result<JsValue, JsValue> {
    let state = Rc::new(RefCell::new(Download {
        reader: Some(reader),
        cancelled: false,
    }));
    let pulling = Rc::clone(&state);
    let pull_fn = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |controller| {
        wasm_bindgen_futures::future_to_promise(pull(Rc::clone(&pulling), controller))
    });
    let cancel_fn = Closure::<dyn FnMut(JsValue)>::new(move |_reason| {
        let mut state = state.borrow_mut();
        state.cancelled = true;
        state.reader = None;
    });
    let source = Object::new();
    Reflect::set(&source, &"pull".into(), &pull_fn.into_js_value())?;
    Reflect::set(&source, &"cancel".into(), &cancel_fn.into_js_value())?;
    let strategy = Object::new();
    // One chunk ahead at most: the stream asks for the next only when the reader has taken
    // this one.
    Reflect::set(&strategy, &"highWaterMark".into(), &JsValue::from(1))?;
    let constructor: Function = Reflect::get(&js_sys::global(), &"ReadableStream".into())?
        .dyn_into()
        .map_err(|_| invalid_argument("this environment has no ReadableStream"))?;
    let args = js_sys::Array::of2(&source, &strategy);
    Reflect::construct(&constructor, &args)
}
