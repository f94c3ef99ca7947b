//! The attacks on attached files (issue 14), apart from the record attacks in `modes.rs`.

use serde_json::Value;

use crate::Call;

/// The reserved slot an item keeps its sealed file list in.
const FILES_SLOT: &str = "covault:files";

/// Applies a file attack `mode` to the answer of `call` (nothing if `mode` is not one).
pub(crate) async fn tamper(mode: &str, call: &Call<'_>, json: &mut Value) {
    let route = call.route.as_str();
    let chunk = chunk_route(route);
    let item = route
        .strip_prefix("GET /v1/items/")
        .filter(|rest| !rest.contains('/'));
    match (mode, chunk, item) {
        ("reorder-chunks", Some((_, n)), _) => {
            // The same route with the neighbouring index: a file's own, or a share's.
            if let Some((prefix, _)) = call.path.rsplit_once("/chunks/")
                && let Some(other) = call.fetch(&format!("{prefix}/chunks/{}", n ^ 1)).await
            {
                *json = other;
            }
        }
        ("foreign-chunk", Some((file, n)), _) if route.starts_with("GET /v1/files/") => {
            if let Some(other) = another_file(call, &file).await
                && let Some(chunk) = call.fetch(&format!("/v1/files/{other}/chunks/{n}")).await
            {
                *json = chunk;
            }
        }
        ("drop-file-list", _, Some(_)) => {
            if let Some(slots) = json["slots"].as_object_mut() {
                slots.remove(FILES_SLOT);
            }
        }
        ("move-file-list", _, Some(asked)) => {
            let donor = match call.fetch("/v1/items").await {
                Some(Value::Array(all)) => all
                    .into_iter()
                    .find(|i| i["id"] != asked && i["slots"].get(FILES_SLOT).is_some()),
                _ => None,
            };
            if let Some(donor) = donor {
                json["slots"][FILES_SLOT] = donor["slots"][FILES_SLOT].clone();
            }
        }
        ("inject-file", _, _)
            if route.starts_with("GET /v1/items/") && route.ends_with("/files") =>
        {
            let asked = route
                .trim_start_matches("GET /v1/items/")
                .trim_end_matches("/files");
            if let Some(other) = another_item_file(call, asked).await
                && let Some(list) = json.as_array_mut()
            {
                list.push(other);
            }
        }
        _ => {}
    }
}

/// Applies a chunk attack `mode` to a chunk answered as raw bytes: the replacement bytes, if
/// `mode` is one and the chunk it swaps in exists.
pub(crate) async fn tamper_octets(mode: &str, call: &Call<'_>) -> Option<axum::body::Bytes> {
    let (file, n) = chunk_route(&call.route)?;
    match mode {
        "reorder-chunks" => {
            let (prefix, _) = call.path.rsplit_once("/chunks/")?;
            call.fetch_octets(&format!("{prefix}/chunks/{}", n ^ 1))
                .await
        }
        "foreign-chunk" if call.route.starts_with("GET /v1/files/") => {
            let other = another_file(call, &file).await?;
            call.fetch_octets(&format!("/v1/files/{other}/chunks/{n}"))
                .await
        }
        _ => None,
    }
}

/// `GET /v1/files/{id}/chunks/{n}` or `GET /v1/shares/{share}/files/{id}/chunks/{n}` → (id, n).
fn chunk_route(route: &str) -> Option<(String, u32)> {
    let rest = route.strip_prefix("GET /v1/")?;
    let (path, n) = rest.rsplit_once("/chunks/")?;
    let file = path.rsplit_once("files/")?.1;
    Some((file.to_owned(), n.parse().ok()?))
}

/// A file of the caller's other than `file` (of any of their items).
async fn another_file(call: &Call<'_>, file: &str) -> Option<String> {
    let Some(Value::Array(items)) = call.fetch("/v1/items").await else {
        return None;
    };
    for item in items {
        let id = item["id"].as_str()?;
        if let Some(Value::Array(files)) = call.fetch(&format!("/v1/items/{id}/files")).await
            && let Some(other) = files.into_iter().find(|f| f["id"] != file)
        {
            return other["id"].as_str().map(str::to_owned);
        }
    }
    None
}

/// The Vault's record of a file of another of the caller's items than `item`.
async fn another_item_file(call: &Call<'_>, item: &str) -> Option<Value> {
    let Some(Value::Array(items)) = call.fetch("/v1/items").await else {
        return None;
    };
    for other in items.iter().filter(|i| i["id"] != item) {
        let id = other["id"].as_str()?;
        if let Some(Value::Array(files)) = call.fetch(&format!("/v1/items/{id}/files")).await
            && let Some(file) = files.into_iter().next()
        {
            return Some(file);
        }
    }
    None
}
