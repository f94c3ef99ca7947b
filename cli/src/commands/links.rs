//! links:create, links:list, links:revoke, links:open: share links for people without an
//! account. The link's key is only in the URL printed by links:create; links:open needs no
//! auth file.

use std::path::Path;

use covault::client::ReqwestTransport;
use covault::client::links::{LinkOptions, open_link, rfc3339_in, split_link_url};

use super::Ctx;
use crate::cli::NewLink;
use crate::error::CliError;
use crate::vault_url::VaultUrl;

/// Where a link passphrase comes from: `COVAULT_LINK_PASSPHRASE`, else a prompt.
fn link_passphrase(prompt: &str) -> Result<String, CliError> {
    use std::io::IsTerminal;
    match std::env::var("COVAULT_LINK_PASSPHRASE") {
        Ok(given) => super::passphrase(Some(given), prompt),
        Err(_) if !std::io::stdin().is_terminal() => Err(
            "no link passphrase given: set COVAULT_LINK_PASSPHRASE, or run in a terminal to be asked"
                .into(),
        ),
        Err(_) => super::passphrase(None, prompt),
    }
}

/// `7d`, `12h`, `30m`, `45s` or `2w` as milliseconds.
pub fn parse_duration(text: &str) -> Result<i64, CliError> {
    let bad = || {
        CliError::from(format!(
            "--expires-in {text:?}: write a number and a unit, such as 7d, 12h or 30m"
        ))
    };
    let (number, unit) = text.trim().split_at(text.trim().len().saturating_sub(1));
    let n: i64 = number.parse().map_err(|_| bad())?;
    let unit_ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return Err(bad()),
    };
    if n <= 0 {
        return Err(bad());
    }
    n.checked_mul(unit_ms).ok_or_else(bad)
}

/// Makes a link to an item and prints its URL.
pub async fn create(ctx: &Ctx, link: NewLink) -> Result<(), CliError> {
    let expires_at = rfc3339_in(parse_duration(&link.expires_in)?);
    let passphrase = if link.passphrase {
        Some(link_passphrase(
            "Passphrase for the link (tell it to the recipient another way): ",
        )?)
    } else {
        None
    };
    let session = ctx.session(&link.auth.auth).await?;
    let created = session
        .create_link(
            &link.item_id,
            &LinkOptions {
                expires_at,
                max_views: link.max_views,
                passphrase,
                slots: (!link.slots.is_empty()).then_some(link.slots),
                passphrase_kdf: None,
            },
        )
        .await?;
    ctx.print("Link", created)
}

/// Lists the user's links with the views the Vault counted, each checked against what was
/// sealed.
pub async fn list(ctx: &Ctx, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    ctx.print("Links", session.list_links().await?)
}

/// Revokes a link: the Vault deletes its ciphertext.
pub async fn revoke(ctx: &Ctx, auth: &Path, id: &str) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    session.revoke_link(id).await?;
    ctx.print("LinkRevoked", serde_json::json!({ "id": id }))
}

/// Opens a link without an account (the Vault is the one in the URL).
pub async fn open(ctx: &Ctx, url: &str, passphrase: bool) -> Result<(), CliError> {
    let (base, fragment) = split_link_url(url)?;
    let vault = VaultUrl::parse(&base, "the link")?;
    let passphrase = if passphrase || fragment.needs_passphrase() {
        Some(link_passphrase("The link's passphrase: ")?)
    } else {
        None
    };
    let opened = open_link(
        ReqwestTransport::new(vault.as_str()),
        &fragment,
        passphrase.as_deref(),
    )
    .await?;
    ctx.print("OpenedLink", opened)
}
