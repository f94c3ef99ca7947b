//! What every handler shares. Nothing here is state that must survive a restart: sessions,
//! rate-limit counters and the decoy key all live in the database.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::mail::Mailer;
use crate::store::blobs::BlobStore;

/// Handler state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Settings.
    pub config: Arc<Config>,
    /// Invitation delivery.
    pub mailer: Mailer,
    /// HMAC key for prelogin decoys, loaded from the database so that every instance answers
    /// the same for the same unknown email.
    pub decoy_key: Arc<[u8; 32]>,
    /// Where the chunks of attached files are stored (the database by default).
    pub blobs: Arc<dyn BlobStore>,
}
