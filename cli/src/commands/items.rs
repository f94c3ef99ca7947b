//! items:create, items:list, items:get.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Ctx, describe};
use crate::files;

/// Creates an item from a file of kind Item.
pub async fn create(ctx: &Ctx, item: &Path, auth: &Path) -> Result<(), String> {
    let doc = files::read::<BTreeMap<String, String>, files::ItemSpec>(item, "Item")?;
    let slots = doc
        .spec
        .slots
        .into_map()
        .map_err(|e| format!("{}: {e}", item.display()))?;
    let session = ctx.session(auth).await?;
    let created = session
        .create_item(&doc.spec.label, &slots)
        .await
        .map_err(describe)?;
    ctx.print("Item", created)
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
