//! Accounts and their sessions. An account row also holds the login material (KDF parameters,
//! salt, auth-key hash, wrapped KEK), so sign-up, login and a passphrase change all meet here;
//! secrets arrive already hashed, so nothing here ever sees one in the clear.

use covault::api::{ChangePassphraseRequest, SignupRequest, User};
use covault::crypto::KdfParams;

use crate::db::{Db, rfc3339};
use crate::error::{ApiError, ApiResult};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    created_at: i64,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> User {
        User {
            id: row.id,
            email: row.email,
            created_at: rfc3339(row.created_at),
        }
    }
}

#[derive(sqlx::FromRow)]
struct KdfRow {
    kdf_memory_kib: i64,
    kdf_iterations: i64,
    kdf_parallelism: i64,
    salt: String,
}

impl KdfRow {
    fn into_parts(self) -> ApiResult<(KdfParams, String)> {
        let get = |value: i64| -> ApiResult<u32> {
            u32::try_from(value).map_err(|e| ApiError::from(sqlx::Error::Decode(Box::new(e))))
        };
        let kdf = KdfParams {
            memory_kib: get(self.kdf_memory_kib)?,
            iterations: get(self.kdf_iterations)?,
            parallelism: get(self.kdf_parallelism)?,
        };
        Ok((kdf, self.salt))
    }
}

/// The KDF parameters and salt of the account with this email, if there is one.
pub async fn kdf_and_salt(db: &Db, email: &str) -> ApiResult<Option<(KdfParams, String)>> {
    sqlx::query_as::<_, KdfRow>(
        "SELECT kdf_memory_kib, kdf_iterations, kdf_parallelism, salt FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(&db.pool)
    .await?
    .map(KdfRow::into_parts)
    .transpose()
}

/// Creates an account (a taken id or email is the usual 409 `Conflict`).
pub async fn create(
    db: &Db,
    req: &SignupRequest,
    email: &str,
    auth_key_hash: &str,
    now: i64,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO users (id, email, kdf_memory_kib, kdf_iterations, kdf_parallelism, salt, auth_key_hash, wrapped_kek, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&req.user_id)
    .bind(email)
    .bind(i64::from(req.kdf.memory_kib))
    .bind(i64::from(req.kdf.iterations))
    .bind(i64::from(req.kdf.parallelism))
    .bind(&req.salt)
    .bind(auth_key_hash)
    .bind(&req.wrapped_kek)
    .bind(now)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// The user with this id (which a session vouches for, so it exists).
pub async fn get(db: &Db, user_id: &str) -> ApiResult<User> {
    let row = sqlx::query_as::<_, UserRow>("SELECT id, email, created_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(row.into())
}

/// An account as login sees it: the user and the hash their auth key must match.
pub struct Login {
    /// The user.
    pub user: User,
    /// The stored auth-key hash.
    pub auth_key_hash: String,
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    #[sqlx(flatten)]
    user: UserRow,
    auth_key_hash: String,
}

/// The account with this email, for login.
pub async fn login(db: &Db, email: &str) -> ApiResult<Option<Login>> {
    let row = sqlx::query_as::<_, LoginRow>(
        "SELECT id, email, created_at, auth_key_hash FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|row| Login {
        user: row.user.into(),
        auth_key_hash: row.auth_key_hash,
    }))
}

/// The email of the user with this id (which a session vouches for, so it exists).
pub async fn email(db: &Db, user_id: &str) -> ApiResult<String> {
    let (email,) = sqlx::query_as::<_, (String,)>("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(email)
}

/// The user's wrapped KEK.
pub async fn wrapped_kek(db: &Db, user_id: &str) -> ApiResult<String> {
    let (wrapped_kek,) =
        sqlx::query_as::<_, (String,)>("SELECT wrapped_kek FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&db.pool)
            .await?;
    Ok(wrapped_kek)
}

/// In one transaction, replaces the login material if `current_hash` is the stored auth-key
/// hash and then ends every session of the user but `keep_session`. False (and nothing
/// changed) if the current hash is wrong.
pub async fn change_passphrase(
    db: &Db,
    user_id: &str,
    keep_session: &str,
    req: &ChangePassphraseRequest,
    new_hash: &str,
    current_hash: &str,
) -> ApiResult<bool> {
    let mut tx = db.writer().begin().await?;
    let changed = sqlx::query(
        "UPDATE users SET wrapped_kek = $1, salt = $2, kdf_memory_kib = $3, kdf_iterations = $4,
         kdf_parallelism = $5, auth_key_hash = $6 WHERE id = $7 AND auth_key_hash = $8",
    )
    .bind(&req.wrapped_kek)
    .bind(&req.salt)
    .bind(i64::from(req.kdf.memory_kib))
    .bind(i64::from(req.kdf.iterations))
    .bind(i64::from(req.kdf.parallelism))
    .bind(new_hash)
    .bind(user_id)
    .bind(current_hash)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep_session)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Opens a session (its token stored hashed), clears the user's expired ones and the login
/// limit row `clear_limit` (see `limits::account_subject`), in one transaction: one durable
/// commit per login.
pub async fn open_session(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    now: i64,
    expires_at: i64,
    clear_limit: &str,
) -> ApiResult<()> {
    let mut tx = db.writer().begin().await?;
    super::delete_where(&mut *tx, "login_limits", "subject", clear_limit).await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The user and expiry (Unix milliseconds) of the session with this token hash, if any.
pub async fn session(db: &Db, token_hash: &str) -> ApiResult<Option<(String, i64)>> {
    Ok(
        sqlx::query_as("SELECT user_id, expires_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Ends one session.
pub async fn close_session(db: &Db, token_hash: &str) -> ApiResult<()> {
    super::delete_where(db.writer(), "sessions", "token_hash", token_hash).await
}
