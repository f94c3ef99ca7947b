//! items:create, items:list, items:get, items:update, items:remove-slot, items:delete.

use crate::error::CliError;
use std::collections::BTreeMap;
use std::path::Path;

use covault::client::{ClientError, PlainItem};

use super::Ctx;
use crate::files;

/// An item file: its id and version (when copied from items:get), label and slots.
struct ItemFile {
    id: Option<String>,
    version: Option<u64>,
    label: String,
    slots: BTreeMap<String, String>,
    types: BTreeMap<String, String>,
}

/// Reads an item file.
fn read_item(item: &Path) -> Result<ItemFile, CliError> {
    let doc = files::read::<BTreeMap<String, String>, files::ItemSpec>(item, "Item")?;
    let (slots, mut types) = doc
        .spec
        .slots
        .into_maps()
        .map_err(|e| format!("{}: {e}", item.display()))?;
    for (name, kind) in doc.spec.types {
        if types.insert(name.clone(), kind).is_some() {
            return Err(
                format!("{}: slot {name:?} has its type given twice", item.display()).into(),
            );
        }
    }
    Ok(ItemFile {
        id: doc.spec.id,
        version: doc.spec.version,
        label: doc.spec.label,
        slots,
        types,
    })
}

/// Creates an item from a file of kind Item (an `id` or `version` in it is not used).
pub async fn create(ctx: &Ctx, item: &Path, auth: &Path) -> Result<(), CliError> {
    let file = read_item(item)?;
    let session = ctx.session(auth).await?;
    let created = session
        .create_typed_item(&file.label, &file.slots, &file.types)
        .await
        .map_err(|e| in_file(e, item))?;
    ctx.print("Item", created)
}

/// A value that does not fit its type names the file it came from.
fn in_file(error: ClientError, item: &Path) -> CliError {
    match error {
        ClientError::InvalidInput(m) => format!("{}: {m}", item.display()).into(),
        other => other.into(),
    }
}

/// Imports an export file: all of it checked first, then created in batches, with progress
/// on a terminal; prints what was imported.
pub async fn import(
    ctx: &Ctx,
    file: &Path,
    format: Option<&str>,
    auth: &Path,
) -> Result<(), CliError> {
    use covault::client::import::{self, Format};
    use std::io::IsTerminal;
    let format = match format {
        Some(name) => Format::parse(name)?,
        None => match file.extension().and_then(|e| e.to_str()) {
            Some("json") => Format::Bitwarden,
            Some("csv") => Format::OnePassword,
            _ => {
                return Err(format!(
                    "{}: say which export this is with --format bitwarden or --format 1password",
                    file.display()
                )
                .into());
            }
        },
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let items = import::read(format, &text).map_err(|e| in_file(e, file))?;
    if items.is_empty() {
        return Err(format!("{}: no items to import", file.display()).into());
    }
    let session = ctx.session(auth).await?;
    let terminal = std::io::stderr().is_terminal();
    let progress = |done: usize, total: usize| {
        if terminal {
            eprint!("\rimporting: {done}/{total} items");
        }
    };
    let made = session.create_items(&items, &progress).await?;
    if terminal {
        eprintln!();
    }
    eprintln!("imported {} items from {}", made.len(), file.display());
    ctx.print(
        "ItemsImported",
        made.iter()
            .map(|i| serde_json::json!({ "id": i.id, "label": i.label }))
            .collect::<Vec<_>>(),
    )
}

/// Prints a ready item file for a built-in template: its slots with their types, empty.
pub fn create_config(ctx: &Ctx, template: &str) -> Result<(), CliError> {
    let template = covault::client::slot_types::template(template)?;
    let slots: Vec<files::Slot> = template
        .slots
        .iter()
        .map(|(name, kind)| files::Slot {
            name: (*name).to_owned(),
            kind: Some((*kind).to_owned()),
            value: String::new(),
        })
        .collect();
    let doc = serde_json::json!({
        "kind": "Item",
        "spec": { "label": template.label, "slots": slots },
    });
    print!("{}", crate::output::render_value(&doc, ctx.json)?);
    Ok(())
}

/// Lists items, decrypted.
pub async fn list(ctx: &Ctx, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    ctx.print("Items", session.list_items().await?)
}

/// Shows one item, decrypted.
pub async fn get(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    ctx.print("Item", session.get_item(id).await?)
}

/// Replaces an item's label and slots: the version the file names (as items:get printed it),
/// else the current one. The Vault refuses it if the item was written since.
pub async fn update(ctx: &Ctx, id: &str, item: &Path, auth: &Path) -> Result<(), CliError> {
    let file = read_item(item)?;
    if let Some(other) = file.id.as_deref().filter(|other| *other != id) {
        return Err(format!(
            "{} is item {other}, not {id}: check the id you are updating",
            item.display()
        )
        .into());
    }
    let session = ctx.session(auth).await?;
    let version = match file.version {
        Some(version) => version,
        None => session.get_item(id).await?.version,
    };
    let updated = PlainItem {
        id: id.to_owned(),
        version,
        label: file.label,
        slots: file.slots,
        types: file.types,
    };
    let written = session.update_item(&updated).await.map_err(|e| match e {
        e @ ClientError::Conflict(_) => CliError::Client(
            e,
            Some(format!(
                "item {id} was changed since version {version} was read; read it again \
                 (covault items:get -a {} {id}), redo the change and update again",
                auth.display()
            )),
        ),
        other => other.into(),
    })?;
    ctx.print("Item", written)?;
    refresh_shares(&session, id).await
}

/// Carries an item's new version to every share made from it, and says what happened on
/// stderr (so stdout stays the item): how many were refreshed, and each that was not.
async fn refresh_shares(session: &super::Client, id: &str) -> Result<(), CliError> {
    let report = session.refresh_item_shares(id).await.map_err(|e| {
        CliError::Client(
            e,
            Some(format!(
                "item {id} was written, but its shares were not refreshed (run covault shares:update {id})"
            )),
        )
    })?;
    if !report.refreshed.is_empty() || !report.failed.is_empty() {
        eprintln!("refreshed {} share(s) of item {id}", report.refreshed.len());
    }
    super::warn_unrefreshed(&report);
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} share(s) of item {id} still hold the previous version",
            report.failed.len()
        )
        .into())
    }
}

/// Removes one slot, prints the item as written, and refreshes its shares.
pub async fn remove_slot(ctx: &Ctx, id: &str, slot: &str, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    ctx.print("Item", session.remove_slot(id, slot).await?)?;
    refresh_shares(&session, id).await
}

/// Lists who holds copies of an item: recipients of your shares of it, and of on-shares.
pub async fn holders(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    ctx.print("ItemHolders", session.item_holders(id).await?)
}

/// Deletes an item.
pub async fn delete(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    session.delete_item(id).await?;
    ctx.print("ItemDeleted", serde_json::json!({ "id": id }))
}
