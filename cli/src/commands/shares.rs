//! shares:create-config, shares:create, shares:list, shares:get-incoming, shares:accept,
//! shares:update, shares:delete.

use std::path::Path;

use covault::api::{Direction, Share};
use covault::client::{PlainItem, ShareOptions};
use serde::Serialize;

use super::{Ctx, describe};
use crate::cli::ShareType;
use crate::files::{self, Document, ShareMeta, ShareSpec};

/// A share without its ciphertext fields.
#[derive(Serialize)]
struct ShareView<'a> {
    id: &'a str,
    connection_id: &'a str,
    from: &'a str,
    to: &'a str,
    expires_at: Option<&'a str>,
    terms: Option<&'a str>,
    acceptance_required: bool,
    accepted_at: Option<&'a str>,
    created_at: &'a str,
    updated_at: &'a str,
}

fn view(share: &Share) -> ShareView<'_> {
    ShareView {
        id: &share.id,
        connection_id: &share.connection_id,
        from: &share.sender_email,
        to: &share.recipient_email,
        expires_at: share.expires_at.as_deref(),
        terms: share.terms.as_deref(),
        acceptance_required: share.acceptance_required,
        accepted_at: share.accepted_at.as_deref(),
        created_at: &share.created_at,
        updated_at: &share.updated_at,
    }
}

/// Writes the share template.
pub fn create_config(
    ctx: &Ctx,
    from: &Path,
    connection_id: &str,
    item_id: &str,
) -> Result<(), String> {
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
) -> Result<(), String> {
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
        .await
        .map_err(describe)?;
    ctx.print("Share", view(&share))
}

/// Lists shares.
pub async fn list(ctx: &Ctx, auth: &Path, share_type: ShareType) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    let direction = match share_type {
        ShareType::Incoming => Direction::Incoming,
        ShareType::Outgoing => Direction::Outgoing,
    };
    let shares = session.list_shares(direction).await.map_err(describe)?;
    ctx.print("Shares", shares.iter().map(view).collect::<Vec<_>>())
}

#[derive(Serialize)]
struct Incoming<'a> {
    share: ShareView<'a>,
    item: &'a PlainItem,
}

/// Shows an incoming share and its decrypted item.
pub async fn get_incoming(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    let read = session.read_share(id).await.map_err(|e| match e {
        covault::client::ClientError::NotAccepted => {
            format!(
                "share {id} must be accepted first: covault shares:accept -a {} {id}",
                auth.display()
            )
        }
        other => describe(other),
    })?;
    ctx.print(
        "IncomingShare",
        Incoming {
            share: view(&read.share),
            item: &read.item,
        },
    )
}

/// Accepts a share.
pub async fn accept(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    let share = session.accept_share(id).await.map_err(describe)?;
    ctx.print("Share", view(&share))
}

/// Updates a share with the latest item.
pub async fn update(ctx: &Ctx, id: &str, item_id: &str, auth: &Path) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    let share = session.update_share(id, item_id).await.map_err(describe)?;
    ctx.print("Share", view(&share))
}

#[derive(Serialize)]
struct Deleted<'a> {
    id: &'a str,
}

/// Deletes a share.
pub async fn delete(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    session.delete_share(id).await.map_err(describe)?;
    ctx.print("ShareDeleted", Deleted { id })
}
