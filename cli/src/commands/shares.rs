//! shares:create-config, shares:create, shares:list, shares:get-incoming, shares:accept,
//! shares:reject, shares:update, shares:delete.

use crate::error::CliError;
use std::path::Path;

use covault::api::{Direction, Share};
use covault::client::{ClientError, PlainItem, ShareOptions, ShareView as Checked};
use serde::Serialize;

use super::Ctx;
use crate::cli::{ShareFlags, ShareType};
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
    /// Rejected, as proven by the recipient's receipt.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    rejected: bool,
    /// The recipient may share it on.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    on_sharing: bool,
    /// For an on-share: the share it was made from.
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_share_id: Option<&'a str>,
    /// When read: the values were checked against the original owner's commitments.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    origin_verified: bool,
    /// For the sender: the item (or incoming share) it was made from, and the slots shared.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a covault::client::ShareSource>,
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
        rejected: false,
        on_sharing: share.on_sharing,
        parent_share_id: share.parent_share_id.as_deref(),
        origin_verified: false,
        source: None,
        created_at: &share.created_at,
        updated_at: &share.updated_at,
        error: None,
    }
}

fn checked(share: &Checked) -> ShareView<'_> {
    ShareView {
        legacy: share.legacy,
        rejected: share.rejected,
        origin_verified: share.origin_verified,
        source: share.source.as_ref(),
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
    mut connection_ids: Vec<String>,
    item_id: &str,
    slots: Vec<String>,
) -> Result<(), CliError> {
    files::read_auth(from)?;
    let (connection_id, connection_ids) = if connection_ids.len() == 1 {
        (connection_ids.pop(), Vec::new())
    } else {
        (None, connection_ids)
    };
    let doc = Document {
        kind: "ShareConfig".into(),
        metadata: ShareMeta {
            from: from.display().to_string(),
        },
        spec: ShareSpec {
            connection_id,
            connection_ids,
            item_id: item_id.into(),
            slots: (!slots.is_empty()).then_some(slots),
            on_sharing: false,
            expires_at: None,
            terms: None,
            acceptance_required: false,
        },
    };
    print!("{}", crate::output::render_value(&doc, ctx.json)?);
    Ok(())
}

/// Creates the share(s) a config describes: one per connection. When the config's item is a
/// share shared with us, it is shared on instead (if its sender permitted that).
pub async fn create(ctx: &Ctx, config: &Path, flags: ShareFlags) -> Result<(), CliError> {
    let doc = files::read::<ShareMeta, ShareSpec>(config, "ShareConfig")?;
    let session = ctx
        .session(&files::resolve(config, &doc.metadata.from))
        .await?;
    let spec = doc.spec;
    let options = ShareOptions {
        expires_at: flags.expires_at.or(spec.expires_at),
        terms: flags.terms.or(spec.terms),
        acceptance_required: flags.acceptance_required || spec.acceptance_required,
        slots: spec.slots,
        on_sharing: flags.on_sharing || spec.on_sharing,
    };
    let connections: Vec<String> = spec
        .connection_id
        .into_iter()
        .chain(spec.connection_ids)
        .collect();
    let on_share = match session.get_item(&spec.item_id).await {
        Ok(_) => false,
        Err(ClientError::NotFound(_)) => {
            eprintln!(
                "{} is not one of your items: sharing the incoming share on",
                spec.item_id
            );
            true
        }
        Err(other) => return Err(other.into()),
    };
    let (made, failed) = if on_share {
        let (mut made, mut failed) = (Vec::new(), Vec::new());
        for connection in &connections {
            match session.on_share(&spec.item_id, connection, &options).await {
                Ok(share) => made.push(share),
                Err(e) if connections.len() == 1 => return Err(on_share_error(e)),
                Err(e) => failed.push((connection.clone(), e.to_string())),
            }
        }
        (made, failed)
    } else {
        let (made, failed) = session
            .share_item_with_all(&spec.item_id, &connections, &options)
            .await?;
        let failed = failed
            .into_iter()
            .map(|f| (f.id, format!("{}: {}", f.error.code, f.error.message)))
            .collect();
        (made, failed)
    };
    for (connection, error) in &failed {
        eprintln!("warning: not shared on connection {connection}: {error}");
    }
    match (made.as_slice(), failed.is_empty()) {
        ([one], true) => ctx.print("Share", view(one, false)),
        _ => {
            ctx.print(
                "Shares",
                made.iter().map(|s| view(s, false)).collect::<Vec<_>>(),
            )?;
            if failed.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{} of {} connections failed",
                    failed.len(),
                    connections.len()
                )
                .into())
            }
        }
    }
}

fn on_share_error(error: ClientError) -> CliError {
    match error {
        e @ ClientError::NotPermitted(_) => CliError::Client(
            e,
            Some(
                "its sender did not pass --onshare: ask them to share it with you again with it"
                    .into(),
            ),
        ),
        other => other.into(),
    }
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

/// Updates one share (a share id) or every share of an item (an item id) with the latest
/// version of what it was made from, and shows the result.
pub async fn update(
    ctx: &Ctx,
    id: &str,
    item_id: Option<&str>,
    auth: &Path,
) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    if item_id.is_none() {
        match session.get_item(id).await {
            Ok(_) => {
                let report = session.refresh_item_shares(id).await?;
                super::warn_unrefreshed(&report);
                let failures = report.failed.len();
                ctx.print("SharesRefreshed", report)?;
                return if failures == 0 {
                    Ok(())
                } else {
                    Err(format!("{failures} share(s) of item {id} were not refreshed").into())
                };
            }
            Err(ClientError::NotFound(_)) => {}
            Err(other) => return Err(other.into()),
        }
    }
    session.update_share(id, item_id).await?;
    let read = read_back(&session, id, "updated").await?;
    ctx.print("Share", checked(&read))
}

/// Rejects a share shared with us (sending the receipt), and shows it as checked.
pub async fn reject(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    let rejected = session.reject_share(id).await?;
    let listed = session.list_shares(Direction::Incoming).await?;
    match listed.iter().find(|v| v.share.id == id) {
        Some(view) => ctx.print("Share", checked(view)),
        None => ctx.print("Share", view(&rejected, false)),
    }
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
