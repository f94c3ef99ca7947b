//! The typed Vault client: the guide's flows (sign-up, login, items, invitations, connections,
//! shares), with every key made and used on the client. It runs the same code in the browser
//! (gloo-net transport) and natively (reqwest transport, feature `native-client`), so the CLI
//! and the web app cannot behave differently.

mod api;
mod api_files;
mod bulk;
pub mod casing;
mod clock;
mod error;
pub mod import;
mod json;
#[cfg(target_arch = "wasm32")]
mod kdf_worker;
pub mod links;
mod models;
mod session;
pub mod slot_types;
mod transport;

pub use api::Api;
pub use bulk::BulkCipher;
pub use error::ClientError;
pub use models::{
    ConnectionInfo, FailedShare, ItemHolder, ItemUpdate, PlainItem, RecoveryKit, SavedSession,
    ShareError, ShareOptions, ShareRefresh, ShareSource, ShareView, VaultView,
};
pub use session::{
    AccountRecord, BATCH, DeviceState, NewPlainItem, PinnedConnection, Progress, Session,
};
pub use session::{AttachedFile, FileReader, FileSource};
pub use transport::{Body, HttpRequest, HttpResponse, Transport};

#[cfg(target_arch = "wasm32")]
pub use transport::GlooTransport;

/// Requests sent by the browser transport so far, and milliseconds spent waiting for them.
#[cfg(target_arch = "wasm32")]
pub fn transport_stats() -> (u64, f64) {
    transport::REQUEST_STATS.with(std::cell::Cell::get)
}
#[cfg(all(feature = "native-client", not(target_arch = "wasm32")))]
pub use transport::ReqwestTransport;
