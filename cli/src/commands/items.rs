//! items:create, items:list, items:get, items:update, items:delete.

use std::collections::BTreeMap;
use std::path::Path;

use covault::client::PlainItem;

use super::{Ctx, describe};
use crate::files;

/// Reads an item file: its label and slots.
fn read_item(item: &Path) -> Result<(String, BTreeMap<String, String>), String> {
    let doc = files::read::<BTreeMap<String, String>, files::ItemSpec>(item, "Item")?;
    let slots = doc
        .spec
        .slots
        .into_map()
        .map_err(|e| format!("{}: {e}", item.display()))?;
    Ok((doc.spec.label, slots))
}

/// Creates an item from a file of kind Item.
pub async fn create(ctx: &Ctx, item: &Path, auth: &Path) -> Result<(), String> {
    let (label, slots) = read_item(item)?;
    let session = ctx.session(auth).await?;
    ctx.print(
        "Item",
        session
            .create_item(&label, &slots)
            .await
            .map_err(describe)?,
    )
}

/// Lists items, decrypted.
pub async fn list(ctx: &Ctx, auth: &Path) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    ctx.print("Items", session.list_items().await.map_err(describe)?)
}

/// Shows one item, decrypted.
pub async fn get(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    ctx.print("Item", session.get_item(id).await.map_err(describe)?)
}

/// Replaces an item's label and slots.
pub async fn update(ctx: &Ctx, id: &str, item: &Path, auth: &Path) -> Result<(), String> {
    let (label, slots) = read_item(item)?;
    let session = ctx.session(auth).await?;
    session.get_item(id).await.map_err(describe)?;
    let updated = PlainItem {
        id: id.to_owned(),
        label,
        slots,
    };
    ctx.print(
        "Item",
        session.update_item(&updated).await.map_err(describe)?,
    )
}

/// Deletes an item.
pub async fn delete(ctx: &Ctx, id: &str, auth: &Path) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    session.delete_item(id).await.map_err(describe)?;
    ctx.print("ItemDeleted", serde_json::json!({ "id": id }))
}
