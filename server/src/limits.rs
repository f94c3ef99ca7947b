//! Login limits. A correct auth key always logs in: the key has 256 bits, so no limit is
//! needed to stop guessing, and a limit that blocked the owner would let anyone lock anyone
//! out. What the limits do is keep floods of wrong attempts cheap and slow: after
//! `login_max_failures` wrong attempts for one account, or from one client address, each
//! further wrong attempt waits twice as long as the one before (1 s, 2 s, 4 s, … up to the
//! window) and is answered 429 with `Retry-After` while it waits. Failures are forgotten a
//! window after the last one, and the table is kept to the rows of that window.
//!
//! A sign-up for an email that has an account counts as a wrong attempt of its address (kept
//! apart from the address's login count), and an address that is backing off gets 429 for
//! every sign-up before the Vault says whether the email is taken: testing emails by signing up
//! is as slow as testing them by logging in.

use std::net::{IpAddr, SocketAddr};

use crate::store;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The client's address: the peer of the TCP connection, or, with `--trust-forwarded-for`
/// (behind a load balancer that sets it), the first address in `X-Forwarded-For`.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        if state.config.trust_forwarded_for
            && let Some(first) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        {
            return Ok(ClientAddr(Some(first)));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientAddr(peer))
    }
}

/// The subjects a login attempt counts against.
pub fn subjects(email: &str, addr: ClientAddr) -> Vec<String> {
    let mut out = vec![format!("account:{email}")];
    if let ClientAddr(Some(ip)) = addr {
        out.push(format!("addr:{ip}"));
    }
    out
}

/// Milliseconds a subject with `failures` wrong attempts must wait after its last one.
fn backoff_ms(state: &AppState, failures: i64) -> i64 {
    let free = state.config.login_max_failures.max(0);
    let window_ms = state.config.login_window_secs.saturating_mul(1000);
    if failures < free {
        return 0;
    }
    let doublings = u32::try_from((failures - free).min(30)).unwrap_or(30);
    1000_i64.saturating_mul(1_i64 << doublings).min(window_ms)
}

/// The subject a sign-up counts against: its address, counted apart from logins (so that wrong
/// logins from a shared address do not stop sign-ups there).
pub fn signup_subject(addr: ClientAddr) -> Vec<String> {
    match addr {
        ClientAddr(Some(ip)) => vec![format!("signup:{ip}")],
        ClientAddr(None) => Vec::new(),
    }
}

/// `RateLimited` if any subject is still backing off; counts nothing.
pub async fn check(state: &AppState, subjects: &[String], now: i64) -> ApiResult<()> {
    let wait_ms = waiting_ms(state, subjects, now).await?;
    if wait_ms > 0 {
        return Err(ApiError::RateLimited(wait_ms / 1000 + 1));
    }
    Ok(())
}

/// How long the longest-waiting subject must still wait.
async fn waiting_ms(state: &AppState, subjects: &[String], now: i64) -> ApiResult<i64> {
    let window_ms = state.config.login_window_secs.saturating_mul(1000);
    let mut wait_ms = 0;
    for subject in subjects {
        if let Some((failures, last)) = store::limits::failures(&state.db, subject).await?
            && now < last.saturating_add(window_ms)
        {
            wait_ms = wait_ms.max(last.saturating_add(backoff_ms(state, failures)) - now);
        }
    }
    Ok(wait_ms)
}

/// After a wrong attempt: `RateLimited` (seconds to wait) if any subject is still backing off,
/// else the failure is counted. Old rows are deleted on the way.
pub async fn wrong_attempt(state: &AppState, subjects: &[String], now: i64) -> ApiResult<()> {
    let window_ms = state.config.login_window_secs.saturating_mul(1000);
    let wait_ms = waiting_ms(state, subjects, now).await?;
    if wait_ms > 0 {
        tracing::warn!("failed login while backing off");
        return Err(ApiError::RateLimited(wait_ms / 1000 + 1));
    }
    for subject in subjects {
        store::limits::count_failure(&state.db, subject, now, window_ms).await?;
    }
    store::limits::forget_old_failures(&state.db, now, window_ms).await?;
    tracing::warn!("failed login");
    Ok(())
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Counts one invitation email against the inviter's daily limit, or refuses it with
/// `RateLimited` (seconds until the oldest of the day's invitations leaves the window).
pub async fn invitation(state: &AppState, inviter_id: &str, now: i64) -> ApiResult<()> {
    store::limits::forget_mail_before(&state.db, now - DAY_MS).await?;
    let (sent, oldest) = store::limits::mail_sent(&state.db, inviter_id).await?;
    if sent >= state.config.invitations_per_day {
        let wait_ms = oldest.map_or(DAY_MS, |t| t + DAY_MS - now);
        tracing::warn!(user_id = %inviter_id, "invitation refused: daily limit");
        return Err(ApiError::RateLimited(wait_ms / 1000 + 1));
    }
    store::limits::count_mail(&state.db, inviter_id, now).await?;
    Ok(())
}

/// The row a correct login clears, in the same transaction as its new session
/// (`store::users::open_session`): the account's count starts again. The address's count stays:
/// one's own account must not launder an address's failures against others.
pub fn account_subject(email: &str) -> String {
    format!("account:{email}")
}
