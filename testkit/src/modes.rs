//! The attacks, one function per mode (see the table in the crate docs). Each takes the
//! Vault's successful JSON answer and changes it in place.

use serde_json::Value;

use crate::{Call, OTHER_USER, REWRITTEN_TERMS, SUBSTITUTE_KEY};

/// Applies `mode` to the answer of `call`.
pub(crate) async fn tamper(mode: &str, call: &Call<'_>, json: &mut Value) {
    let route = call.route.as_str();
    let get = route.starts_with("GET ");
    let items = get && route.starts_with("GET /v1/items");
    let shares = get && route.starts_with("GET /v1/shares");
    let connections = get && route.starts_with("GET /v1/connections");
    let link_open = route.starts_with("POST /v1/links/") && route.ends_with("/open");
    let links = route == "GET /v1/links";
    match mode {
        "flip-byte" if items || shares => for_each_record(json, flip_first_slot),
        "flip-byte" if link_open => {
            if let Some(Value::String(env)) = json.get_mut("ciphertext") {
                *env = flip(env);
            }
        }
        "extend-expiry" if links || link_open => for_each_record(json, |link| {
            link["expires_at"] = "2099-01-01T00:00:00Z".into();
        }),
        "swap-links" if link_open => swap_links(call, json),
        "swap-slots" if items || shares => for_each_record(json, swap_first_two_slots),
        "drop-slot" if items || shares => for_each_record(json, drop_last_slot),
        "substitute-key" if connections => for_each_record(json, |record| {
            if let Some(peer) = record.get_mut("peer").and_then(Value::as_object_mut) {
                peer.insert("public_key".into(), SUBSTITUTE_KEY.into());
            }
        }),
        "weak-kdf" if route == "POST /v1/prelogin" => {
            json["kdf"]["memoryKib"] = Value::from(8 * 1024);
        }
        "reorder-deks" if route == "GET /v1/keystore/deks" => {
            if let Some(list) = json.as_array_mut() {
                list.reverse();
            }
        }
        "redirect-connection" if connections => {
            answer_with_another(call, json, "GET /v1/connections/", "peer").await;
        }
        "swap-item" if items => answer_with_another(call, json, "GET /v1/items/", "id").await,
        "move-slot" if items => move_slot(call, json).await,
        "swap-shares" if shares => swap_shares(call, json).await,
        "rewrite-terms" if shares => for_each_record(json, |share| {
            share["terms"] = REWRITTEN_TERMS.into();
        }),
        "drop-expiry" if shares => for_each_record(json, |share| {
            share["expires_at"] = Value::Null;
        }),
        "forge-acceptance" | "forge-receipt" if shares => for_each_record(json, |share| {
            if share["acceptance_required"] == true && share["accepted_at"].is_null() {
                share["accepted_at"] = share["created_at"].clone();
                if mode == "forge-receipt" {
                    share["acceptance"] =
                        "cv1.a256gcm.AAECAwQFBgcICQoL.DA0ODxAREhMUFRYXGBkaGxwdHh8gISIj".into();
                }
            }
        }),
        "relabel-sender" if shares => relabel_sender(json),
        "reorder-batch" if route == "POST /v1/items/batch" || route == "POST /v1/shares/batch" => {
            if let Some(list) = records(json) {
                list.reverse();
            }
        }
        "grant-on-sharing" if shares => for_each_record(json, |share| {
            share["on_sharing"] = true.into();
        }),
        "strip-meta" if shares => for_each_record(json, |share| {
            share["meta"] = Value::Null;
        }),
        "forge-rejection" if shares => for_each_record(json, |share| {
            if share["rejected_at"].is_null() {
                share["rejected_at"] = share["created_at"].clone();
                share["rejection"] =
                    "cv1.a256gcm.AAECAwQFBgcICQoL.DA0ODxAREhMUFRYXGBkaGxwdHh8gISIj".into();
            }
        }),
        "alter-commitment" if shares => for_each_record(json, |share| {
            if let Some(tags) = share.get_mut("verification").and_then(Value::as_object_mut)
                && let Some(tag) = tags.values_mut().next()
            {
                // Another well-formed 32-byte tag.
                *tag = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8".into();
            }
        }),
        "other-kek" if route == "GET /v1/keystore/kek" => other_kek(call, json),
        "other-user" if route == "POST /v1/sessions" => {
            json["user"]["id"] = OTHER_USER.into();
        }
        "other-user" if route == "GET /v1/users/me" => json["id"] = OTHER_USER.into(),
        "rollback" if items || shares => rollback(call, json),
        _ => {
            crate::file_modes::tamper(mode, call, json).await;
        }
    }
}

/// Applies `f` to each record of an answer: the elements of a list, the shares of a page, or
/// the one object.
pub(crate) fn for_each_record(json: &mut Value, mut f: impl FnMut(&mut Value)) {
    match json {
        Value::Array(list) => list.iter_mut().for_each(f),
        Value::Object(map) if map.contains_key("shares") => {
            if let Some(Value::Array(list)) = map.get_mut("shares") {
                list.iter_mut().for_each(f);
            }
        }
        other => f(other),
    }
}

/// The records of a list answer (a bare list, or a page of shares).
fn records(json: &mut Value) -> Option<&mut Vec<Value>> {
    match json {
        Value::Array(list) => Some(list),
        Value::Object(map) => map.get_mut("shares").and_then(Value::as_array_mut),
        _ => None,
    }
}

/// In a list of shares, names the last share's sender as the sender of every share between
/// the first and the last (the email only: what a person reads, and what the seal does not
/// cover).
fn relabel_sender(json: &mut Value) {
    let Some(list) = records(json) else { return };
    let Some(email) = list.last().map(|s| s["sender_email"].clone()) else {
        return;
    };
    let n = list.len();
    for share in list.iter_mut().take(n.saturating_sub(1)).skip(1) {
        share["sender_email"] = email.clone();
    }
}

/// The id a single-record route names (`GET /v1/items/{id}` → `id`), if it names one.
fn named_id(call: &Call<'_>, prefix: &str) -> Option<String> {
    let rest = call.route.strip_prefix(prefix)?;
    (!rest.is_empty() && !rest.contains('/') && !rest.contains('?')).then(|| rest.to_owned())
}

fn flip_first_slot(record: &mut Value) {
    if let Some(Value::Object(slots)) = record.get_mut("slots")
        && let Some((_, Value::String(env))) = slots.iter_mut().next()
    {
        *env = flip(env);
    }
}

fn swap_first_two_slots(record: &mut Value) {
    if let Some(Value::Object(slots)) = record.get_mut("slots") {
        let keys: Vec<String> = slots.keys().take(2).cloned().collect();
        if let [a, b] = keys.as_slice()
            && let (Some(va), Some(vb)) = (slots.get(a).cloned(), slots.get(b).cloned())
        {
            slots.insert(a.clone(), vb);
            slots.insert(b.clone(), va);
        }
    }
}

fn drop_last_slot(record: &mut Value) {
    if let Some(Value::Object(slots)) = record.get_mut("slots")
        && let Some(last) = slots.keys().next_back().cloned()
    {
        slots.remove(&last);
    }
}

/// Flips the lowest bit of one character in the middle of the ciphertext field, keeping the
/// envelope syntactically valid ('A' ↔ 'B' are adjacent base64url digits).
pub(crate) fn flip(envelope: &str) -> String {
    let mut parts: Vec<String> = envelope.split('.').map(str::to_owned).collect();
    if let Some(ct) = parts.get_mut(3) {
        let mid = ct.len() / 2;
        let replaced: String = ct
            .char_indices()
            .map(|(i, c)| {
                if i == mid {
                    if c == 'A' { 'B' } else { 'A' }
                } else {
                    c
                }
            })
            .collect();
        *ct = replaced;
    }
    parts.join(".")
}

fn swap_two<T>(list: &mut [Value], f: impl Fn(&mut Value) -> T, put: impl Fn(&mut Value, T)) {
    if let [a, b, ..] = list {
        let (va, vb) = (f(a), f(b));
        put(a, vb);
        put(b, va);
    }
}

/// Another record than `asked` from the caller's list at `list_path`.
async fn another(call: &Call<'_>, list_path: &str, asked: &str) -> Option<Value> {
    match call.fetch(list_path).await {
        Some(Value::Array(all)) => all.into_iter().find(|r| r["id"] != asked),
        _ => None,
    }
}

/// Answers `GET {prefix}{X}` with another record of the caller's; in lists, swaps `field`
/// between the first two records.
async fn answer_with_another(call: &Call<'_>, json: &mut Value, prefix: &str, field: &str) {
    let list_path = prefix.trim_start_matches("GET ").trim_end_matches('/');
    if let Some(asked) = named_id(call, prefix) {
        if let Some(other) = another(call, list_path, &asked).await {
            *json = other;
        }
    } else if let Some(list) = records(json) {
        swap_two(list, |r| r[field].take(), |r, v| r[field] = v);
    }
}

/// Puts `donor`'s ciphertext for the first slot name both items have into `item`.
fn move_slot_from(item: &mut Value, donor: &Value) {
    let Some(slots) = item.get_mut("slots").and_then(Value::as_object_mut) else {
        return;
    };
    let shared = slots
        .keys()
        .find(|name| donor["slots"].get(name.as_str()).is_some())
        .cloned();
    if let Some(name) = shared {
        slots.insert(name.clone(), donor["slots"][&name].clone());
    }
}

async fn move_slot(call: &Call<'_>, json: &mut Value) {
    if let Some(asked) = named_id(call, "GET /v1/items/") {
        if let Some(donor) = another(call, "/v1/items", &asked).await {
            move_slot_from(json, &donor);
        }
    } else if let Some(list) = records(json)
        && let [first, second, ..] = list.as_mut_slice()
    {
        move_slot_from(first, second);
    }
}

const SHARE_CONTENT: [&str; 3] = ["label", "slots", "sealed_dek"];

async fn swap_shares(call: &Call<'_>, json: &mut Value) {
    if let Some(asked) = named_id(call, "GET /v1/shares/") {
        for direction in ["incoming", "outgoing"] {
            let page = call
                .fetch(&format!("/v1/shares?direction={direction}&limit=500"))
                .await;
            let other = page.as_ref().and_then(|p| {
                p["shares"]
                    .as_array()?
                    .iter()
                    .find(|s| s["id"] != asked.as_str())
                    .cloned()
            });
            if let Some(other) = other {
                for field in SHARE_CONTENT {
                    json[field] = other[field].clone();
                }
                return;
            }
        }
    } else if let Some(list) = records(json) {
        swap_share_contents(list);
    }
}

/// Swaps the label, slots and sealed DEK of the first two shares of a list.
fn swap_share_contents(list: &mut [Value]) {
    swap_two(
        list,
        |s| SHARE_CONTENT.map(|f| s[f].take()),
        |s, content| {
            for (field, value) in SHARE_CONTENT.into_iter().zip(content) {
                s[field] = value;
            }
        },
    );
}

fn other_kek(call: &Call<'_>, json: &mut Value) {
    let token = call.token();
    let served = call.with_memory(|memory| match &memory.first_kek {
        Some((first, kek)) if *first != token => Some(kek.clone()),
        Some(_) => None,
        None => {
            memory.first_kek = Some((token.clone(), json["wrapped_kek"].clone()));
            None
        }
    });
    if let Some(kek) = served {
        json["wrapped_kek"] = kek;
    }
}

/// While replaying: the remembered answer for an item or share the Vault no longer has.
pub(crate) fn resurrect(call: &Call<'_>) -> Option<Value> {
    let id = named_id(call, "GET /v1/items/").or_else(|| named_id(call, "GET /v1/shares/"))?;
    call.with_memory(|memory| {
        if !memory.replaying {
            return None;
        }
        memory
            .bodies
            .get(&call.path)
            .or_else(|| memory.records.get(&id))
            .cloned()
    })
}

fn rollback(call: &Call<'_>, json: &mut Value) {
    let path = call.path.clone();
    call.with_memory(|memory| {
        if memory.recording {
            memory
                .bodies
                .entry(path.clone())
                .or_insert_with(|| json.clone());
            for_each_record(json, |record| {
                if let Some(id) = record["id"].as_str() {
                    memory
                        .records
                        .entry(id.to_owned())
                        .or_insert_with(|| record.clone());
                }
            });
        } else if memory.replaying {
            if let Some(old) = memory.bodies.get(&path) {
                *json = old.clone();
            } else {
                for_each_record(json, |record| {
                    if let Some(old) = record["id"].as_str().and_then(|id| memory.records.get(id)) {
                        *record = old.clone();
                    }
                });
            }
        }
    });
}

/// `/swap-links`: the first link opened through the proxy is remembered; every other link
/// opened after it is answered with that link's ciphertext (a genuine link of someone's, in
/// another link's place).
fn swap_links(call: &Call<'_>, json: &mut Value) {
    let id = json["id"].clone();
    let ciphertext = json["ciphertext"].clone();
    let served = call.with_memory(|memory| match &memory.first_link {
        Some((first, remembered)) if *first != id => Some(remembered.clone()),
        Some(_) => None,
        None => {
            memory.first_link = Some((id, ciphertext));
            None
        }
    });
    if let Some(other) = served {
        json["ciphertext"] = other;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn record_transformations_change_exactly_what_they_say() {
        let mut item =
            json!({"id": "i", "slots": {"a": "cv1.a256gcm.AAAA.AAAA", "b": "x", "c": "y"}});
        drop_last_slot(&mut item);
        assert_eq!(
            item["slots"],
            json!({"a": "cv1.a256gcm.AAAA.AAAA", "b": "x"})
        );
        swap_first_two_slots(&mut item);
        assert_eq!(
            item["slots"],
            json!({"a": "x", "b": "cv1.a256gcm.AAAA.AAAA"})
        );
        assert_eq!(flip("cv1.a256gcm.AAAA.AAAA"), "cv1.a256gcm.AAAA.AABA");

        let mut target = json!({"slots": {"password": "mine", "user": "u"}});
        move_slot_from(&mut target, &json!({"slots": {"password": "theirs"}}));
        assert_eq!(target["slots"], json!({"password": "theirs", "user": "u"}));

        let mut page = json!({"shares": [{"id": 1, "label": "L1", "slots": {}, "sealed_dek": "D1"},
                                         {"id": 2, "label": "L2", "slots": {}, "sealed_dek": "D2"}]});
        let list = records(&mut page).expect("list");
        swap_share_contents(list);
        assert_eq!(
            (
                page["shares"][0]["id"].clone(),
                page["shares"][0]["sealed_dek"].clone()
            ),
            (json!(1), json!("D2"))
        );
        assert_eq!(page["shares"][1]["label"], "L1");
    }
}
