//! shares:create-config, shares:create, shares:list, shares:get-incoming, shares:accept,
//! shares:update, shares:delete.

use crate::error::CliError;
use std::path::Path;

use covault::api::{Direction, Share};
use covault::client::{ClientError, PlainItem, ShareOptions, ShareView as Checked};
use serde::Serialize;

use super::Ctx;
use crate::cli::ShareType;
use crate::files::{self, Document, ShareMeta, ShareSpec};

/// A share without its ciphertext fields, as this client checked it.
#[derive(Serialize)]
struct ShareView<'a> {
    id: &'a str,
    connection_id: &'a str,
    from: &'a str,
    to: &'a str,
    /// The version of the shared copy.
    version: u64,
    expires_at: Option<&'a str>,
    terms: Option<&'a str>,
    acceptance_required: bool,
    /// Accepted, as proven by the recipient's receipt (not merely claimed by the Vault).
    accepted: bool,
    /// Made before covault 0.2: expiry, terms and acceptance setting are the Vault's word.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    legacy: bool,
    created_at: &'a str,
    updated_at: &'a str,
    /// Why this share failed its checks: the fields above are then only the Vault's word.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn view(share: &Share, accepted: bool) -> ShareView<'_> {
    ShareView {
        id: &share.id,
        connection_id: &share.connection_id,
        from: &share.sender_email,
        to: &share.recipient_email,
        version: share.version,
        expires_at: share.expires_at.as_deref(),
        terms: share.terms.as_deref(),
        acceptance_required: share.acceptance_required,
        accepted,
        legacy: false,
        created_at: &share.created_at,
        updated_at: &share.updated_at,
        error: None,
    }
}

fn checked(share: &Checked) -> ShareView<'_> {
    ShareView {
        legacy: share.legacy,
        error: share
            .error
            .as_ref()
            .map(|e| format!("{}: {}", e.code, e.message)),
        ..view(&share.share, share.accepted)
    }
}

/// Writes the share template.
pub fn create_config(
    ctx: &Ctx,
    from: &Path,
    connection_id: &str,
    item_id: &str,
) -> Result<(), CliError> {
    files::read_auth(from)?;
    let doc = Document {
        kind: "ShareConfig".into(),
        metadata: ShareMeta {
            from: from.display().to_string(),
        },
        spec: ShareSpec {
            connection_id: connection_id.into(),
            item_id: item_id.into(),
            expires_at: None,
            terms: None,
            acceptance_required: false,
        },
    };
    print!("{}", crate::output::render_value(&doc, ctx.json)?);
    Ok(())
}

/// Creates the share a config describes; flags override the config's options.
pub async fn create(
    ctx: &Ctx,
    config: &Path,
    expires_at: Option<String>,
    terms: Option<String>,
    acceptance_required: bool,
) -> Result<(), CliError> {
    let doc = files::read::<ShareMeta, ShareSpec>(config, "ShareConfig")?;
    let session = ctx
        .session(&files::resolve(config, &doc.metadata.from))
        .await?;
    let options = ShareOptions {
        expires_at: expires_at.or(doc.spec.expires_at),
        terms: terms.or(doc.spec.terms),
        acceptance_required: acceptance_required || doc.spec.acceptance_required,
    };
    let share = session
        .share_item(&doc.spec.item_id, &doc.spec.connection_id, &options)
        .await?;
    ctx.print("Share", view(&share, false))
}

/// Lists shares, each checked; one that fails its checks is listed with its error.
pub async fn list(ctx: &Ctx, auth: &Path, share_type: ShareType) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    let direction = match share_type {
        ShareType::Incoming => Direction::Incoming,
        ShareType::Outgoing => Direction::Outgoing,
    };
    let shares = session.list_shares(direction).await?;
    let failed = shares.iter().filter(|s| s.error.is_some()).count();
    ctx.print("Shares", shares.iter().map(checked).collect::<Vec<_>>())?;
    if failed > 0 {
        eprintln!(
            "warning: {failed} of {} shares failed their checks (see their error); the Vault may be compromised",
            shares.len()
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct Incoming<'a> {
    share: ShareView<'a>,
    item: &'a PlainItem,
}

/// Shows an incoming share and its decrypted item.
pub async fn get_incoming(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    let read = session.read_share(id).await.map_err(|e| match e {
        ClientError::NotAccepted => CliError::Input(format!(
            "share {id} must be accepted first: covault shares:accept -a {} {id}",
            auth.display()
        )),
        other => other.into(),
    })?;
    let item = read
        .item
        .as_ref()
        .ok_or("the share was read but holds no item")?;
    ctx.print(
        "IncomingShare",
        Incoming {
            share: checked(&read),
            item,
        },
    )
}

/// Reads a share back after a change, to print it as checked.
async fn read_back(session: &super::Client, id: &str, done: &str) -> Result<Checked, CliError> {
    session.read_share(id).await.map_err(|e| {
        CliError::Client(
            e,
            Some(format!("share {id} was {done}, but reading it back failed")),
        )
    })
}

/// Accepts a share (sending the receipt), and shows it as checked. Unless `yes`, first shows
/// its terms, as its sender sealed them, and asks on the terminal.
pub async fn accept(ctx: &Ctx, id: &str, yes: bool, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    if !yes {
        confirm_terms(&session, id).await?;
    }
    session.accept_share(id).await?;
    let read = read_back(&session, id, "accepted").await?;
    ctx.print("Share", checked(&read))
}

/// Shows the share's sealed terms and asks to accept them; refuses when it cannot ask.
async fn confirm_terms(session: &super::Client, id: &str) -> Result<(), CliError> {
    use std::io::{BufRead, IsTerminal, Write};
    let listed = session.list_shares(Direction::Incoming).await?;
    let view = listed
        .into_iter()
        .find(|v| v.share.id == id)
        .ok_or_else(|| CliError::from(format!("no incoming share {id}")))?;
    if let Some(error) = view.error {
        return Err(format!(
            "share {id} failed its checks ({}): {}",
            error.code, error.message
        )
        .into());
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "share {id} from {} has terms to accept, and this is not a terminal to ask on: \
             read them with shares:list and pass -y to accept",
            view.share.sender_email
        )
        .into());
    }
    let terms = view.share.terms.as_deref().unwrap_or("(none)");
    eprint!(
        "Share {id} from {}\nTerms: {terms}\nAccept these terms? [y/N] ",
        view.share.sender_email
    );
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| format!("reading the answer: {e}"))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
        Ok(())
    } else {
        Err("not accepted: nothing was sent".into())
    }
}

/// Updates a share with the latest item, and shows it as checked.
pub async fn update(ctx: &Ctx, id: &str, item_id: &str, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    session.update_share(id, item_id).await?;
    let read = read_back(&session, id, "updated").await?;
    ctx.print("Share", checked(&read))
}

#[derive(Serialize)]
struct Deleted<'a> {
    id: &'a str,
}

/// Deletes a share.
pub async fn delete(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    session.delete_share(id).await?;
    ctx.print("ShareDeleted", Deleted { id })
}
