//! Where the ciphertext of file chunks lives, behind a small trait: the database by default
//! (table `file_chunks`), so a Vault is still one database to run and back up; an
//! S3-compatible object store would implement the same three calls (README, "Attached files").
//! The metadata (which chunks exist, the bytes each user stores) stays in the database either
//! way (`store::files`).

use std::future::Future;
use std::pin::Pin;

use crate::db::Db;
use crate::error::ApiResult;

/// What a blob call returns: a boxed future, so that the store can be a trait object.
pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = ApiResult<T>> + Send + 'a>>;

/// Stores chunk `index` of file `file_id` as opaque bytes.
pub trait BlobStore: Send + Sync {
    /// Stores (or replaces) one chunk.
    fn put<'a>(&'a self, file_id: &'a str, index: u32, data: Vec<u8>) -> BlobFuture<'a, ()>;
    /// One chunk, if stored.
    fn get<'a>(&'a self, file_id: &'a str, index: u32) -> BlobFuture<'a, Option<Vec<u8>>>;
    /// Every chunk of a file.
    fn delete_file<'a>(&'a self, file_id: &'a str) -> BlobFuture<'a, ()>;
}

/// Chunks in the `file_chunks` table of the Vault's database.
pub struct DbBlobs {
    db: Db,
}

impl DbBlobs {
    /// Blobs in `db`.
    pub fn new(db: Db) -> Self {
        DbBlobs { db }
    }
}

impl BlobStore for DbBlobs {
    fn put<'a>(&'a self, file_id: &'a str, index: u32, data: Vec<u8>) -> BlobFuture<'a, ()> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO file_chunks (file_id, n, data) VALUES ($1, $2, $3)
                 ON CONFLICT (file_id, n) DO UPDATE SET data = excluded.data",
            )
            .bind(file_id)
            .bind(i64::from(index))
            .bind(data)
            .execute(self.db.writer())
            .await?;
            Ok(())
        })
    }

    fn get<'a>(&'a self, file_id: &'a str, index: u32) -> BlobFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let row: Option<(Vec<u8>,)> =
                sqlx::query_as("SELECT data FROM file_chunks WHERE file_id = $1 AND n = $2")
                    .bind(file_id)
                    .bind(i64::from(index))
                    .fetch_optional(&self.db.pool)
                    .await?;
            Ok(row.map(|(data,)| data))
        })
    }

    fn delete_file<'a>(&'a self, file_id: &'a str) -> BlobFuture<'a, ()> {
        Box::pin(super::delete_where(
            self.db.writer(),
            "file_chunks",
            "file_id",
            file_id,
        ))
    }
}
