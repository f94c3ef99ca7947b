//! Importing items from other password managers' unencrypted exports: Bitwarden's JSON and
//! 1Password's CSV (both publicly documented). Everything is parsed and checked before anything
//! is sent: a bad row is reported by its line (CSV) or item number (JSON), every one of them,
//! and then nothing is imported.
//!
//! The CSV reader is a small RFC 4180 parser (quoted fields, doubled quotes, newlines inside
//! quotes) rather than a crate: the browser module carries it too, and this is all of CSV a
//! 1Password export uses.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::error::ClientError;
use super::session::NewPlainItem;
use super::slot_types;

/// The export formats covault reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Bitwarden's unencrypted JSON export.
    Bitwarden,
    /// 1Password's CSV export.
    OnePassword,
}

impl Format {
    /// `bitwarden` or `1password`.
    pub fn parse(name: &str) -> Result<Self, ClientError> {
        match name {
            "bitwarden" => Ok(Format::Bitwarden),
            "1password" | "onepassword" => Ok(Format::OnePassword),
            other => Err(ClientError::InvalidInput(format!(
                "unknown export format {other:?}: bitwarden (JSON) or 1password (CSV)"
            ))),
        }
    }
}

/// Reads an export into items to create, or every problem found.
pub fn read(format: Format, text: &str) -> Result<Vec<NewPlainItem>, ClientError> {
    let (items, problems) = match format {
        Format::Bitwarden => bitwarden(text)?,
        Format::OnePassword => one_password(text)?,
    };
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(ClientError::InvalidInput(format!(
            "nothing was imported: {}",
            problems.join("; ")
        )))
    }
}

/// Adds a slot if the value is not empty, typed if the type fits the value (a URL that is
/// not http(s) stays text rather than failing the import).
fn put(item: &mut NewPlainItem, name: &str, value: &str, kind: &str) {
    let value = value.trim_end_matches(['\r', '\n']);
    if value.trim().is_empty() {
        return;
    }
    let mut name = name.to_owned();
    let mut n = 2;
    while item.slots.contains_key(&name) {
        name = format!(
            "{}_{n}",
            name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_')
        );
        n += 1;
    }
    let single: BTreeMap<String, String> = [(name.clone(), value.to_owned())].into();
    let typed: BTreeMap<String, String> = [(name.clone(), kind.to_owned())].into();
    if kind != "text" && slot_types::check(&single, &typed).is_ok() {
        item.types.insert(name.clone(), kind.to_owned());
    }
    item.slots.insert(name, value.to_owned());
}

#[derive(Deserialize)]
struct BitwardenExport {
    #[serde(default)]
    encrypted: bool,
    #[serde(default)]
    items: Vec<BitwardenItem>,
}

#[derive(Deserialize)]
struct BitwardenItem {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    login: Option<BitwardenLogin>,
    #[serde(default)]
    card: Option<BTreeMap<String, Option<String>>>,
    #[serde(default)]
    identity: Option<BTreeMap<String, Option<String>>>,
    #[serde(default)]
    fields: Vec<BitwardenField>,
}

#[derive(Deserialize)]
struct BitwardenLogin {
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    totp: Option<String>,
    #[serde(default)]
    uris: Option<Vec<BitwardenUri>>,
}

#[derive(Deserialize)]
struct BitwardenUri {
    #[serde(default)]
    uri: Option<String>,
}

#[derive(Deserialize)]
struct BitwardenField {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    value: Option<String>,
    /// 0 text, 1 hidden, 2 boolean.
    #[serde(default, rename = "type")]
    kind: u8,
}

type Parsed = (Vec<NewPlainItem>, Vec<String>);

fn bitwarden(text: &str) -> Result<Parsed, ClientError> {
    let export: BitwardenExport = super::json::decode(text)
        .map_err(|e| ClientError::InvalidInput(format!("not a Bitwarden JSON export ({e})")))?;
    if export.encrypted {
        return Err(ClientError::InvalidInput(
            "this Bitwarden export is encrypted: export it again as unencrypted JSON".into(),
        ));
    }
    let (mut items, mut problems) = (Vec::new(), Vec::new());
    for (n, raw) in export.items.into_iter().enumerate() {
        let mut item = NewPlainItem {
            label: raw.name.unwrap_or_default().trim().to_owned(),
            ..NewPlainItem::default()
        };
        if item.label.is_empty() {
            problems.push(format!("item {} has no name", n + 1));
            continue;
        }
        if let Some(login) = raw.login {
            put(
                &mut item,
                "username",
                login.username.as_deref().unwrap_or(""),
                "text",
            );
            put(
                &mut item,
                "password",
                login.password.as_deref().unwrap_or(""),
                "password",
            );
            put(
                &mut item,
                "totp",
                login.totp.as_deref().unwrap_or(""),
                "password",
            );
            for uri in login.uris.unwrap_or_default() {
                put(&mut item, "url", uri.uri.as_deref().unwrap_or(""), "url");
            }
        }
        for (section, map) in [("card", raw.card), ("identity", raw.identity)] {
            for (key, value) in map.unwrap_or_default() {
                let secret = section == "card" && (key == "number" || key == "code");
                let kind = if secret { "password" } else { "text" };
                put(
                    &mut item,
                    &format!("{section}_{key}"),
                    value.as_deref().unwrap_or(""),
                    kind,
                );
            }
        }
        for field in raw.fields {
            let name = field.name.unwrap_or_default();
            let kind = match field.kind {
                1 => "password",
                2 => "bool",
                _ => "text",
            };
            if name.trim().is_empty() {
                problems.push(format!(
                    "item {} ({}) has a field without a name",
                    n + 1,
                    item.label
                ));
                continue;
            }
            put(
                &mut item,
                name.trim(),
                field.value.as_deref().unwrap_or(""),
                kind,
            );
        }
        put(
            &mut item,
            "notes",
            raw.notes.as_deref().unwrap_or(""),
            "note",
        );
        items.push(item);
    }
    Ok((items, problems))
}

/// 1Password's columns and the slot each becomes (others keep their header as the name).
fn column(header: &str) -> (String, &'static str) {
    match header.trim().to_ascii_lowercase().as_str() {
        "url" | "website" => ("url".into(), "url"),
        "username" => ("username".into(), "text"),
        "password" => ("password".into(), "password"),
        "otpauth" | "one-time password" => ("totp".into(), "password"),
        "notes" | "notesplain" => ("notes".into(), "note"),
        other => (other.replace(' ', "_"), "text"),
    }
}

fn one_password(text: &str) -> Result<Parsed, ClientError> {
    let rows = csv_rows(text.trim_start_matches('\u{feff}'))?;
    let Some(((_, header), body)) = rows.split_first() else {
        return Err(ClientError::InvalidInput("the CSV file is empty".into()));
    };
    let title = header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("title"))
        .ok_or_else(|| {
            ClientError::InvalidInput("not a 1Password CSV export: no Title column".into())
        })?;
    let skip = ["favorite", "archived", "tags"];
    let (mut items, mut problems) = (Vec::new(), Vec::new());
    for (line, row) in body {
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if row.len() != header.len() {
            problems.push(format!(
                "line {line} has {} fields, the header {}",
                row.len(),
                header.len()
            ));
            continue;
        }
        let label = row.get(title).map_or("", |t| t.trim());
        if label.is_empty() {
            problems.push(format!("line {line} has no title"));
            continue;
        }
        let mut item = NewPlainItem {
            label: label.to_owned(),
            ..NewPlainItem::default()
        };
        for (i, (value, head)) in row.iter().zip(header).enumerate() {
            let h = head.trim().to_ascii_lowercase();
            if i == title || skip.contains(&h.as_str()) {
                continue;
            }
            let (name, kind) = column(head);
            put(&mut item, &name, value, kind);
        }
        items.push(item);
    }
    Ok((items, problems))
}

/// RFC 4180 rows, each with the line it starts on.
fn csv_rows(text: &str) -> Result<Vec<(usize, Vec<String>)>, ClientError> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut line, mut start) = (1usize, 1usize);
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push((start, std::mem::take(&mut row)));
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(ClientError::InvalidInput(format!(
            "line {start}: a quoted field is never closed"
        )));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push((start, row));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bitwarden_export_becomes_typed_items() {
        let json = r#"{"encrypted": false, "folders": [], "items": [
          {"type": 1, "name": "Bank", "notes": "call first",
           "login": {"username": "alice", "password": "hunter2", "totp": null,
                     "uris": [{"match": null, "uri": "https://bank.example"}, {"uri": "bank.example/app"}]},
           "fields": [{"name": "PIN", "value": "1234", "type": 1}]},
          {"type": 2, "name": "Wifi note", "notes": "the code is 4711", "secureNote": {"type": 0}}
        ]}"#;
        let items = read(Format::Bitwarden, json).unwrap();
        assert_eq!(items.len(), 2);
        let bank = &items[0];
        assert_eq!(bank.label, "Bank");
        assert_eq!(bank.slots["password"], "hunter2");
        assert_eq!(bank.types["password"], "password");
        assert_eq!(bank.types["url"], "url");
        assert_eq!(bank.slots["url_2"], "bank.example/app");
        assert!(!bank.types.contains_key("url_2"), "not a URL: kept as text");
        assert_eq!(bank.types["PIN"], "password");
        assert_eq!(items[1].slots["notes"], "the code is 4711");
    }

    #[test]
    fn bad_bitwarden_items_are_all_reported_and_nothing_is_imported() {
        let json = r#"{"items": [{"name": "ok"}, {"name": ""}, {"name": "x", "fields": [{"value": "v"}]}]}"#;
        let err = read(Format::Bitwarden, json).unwrap_err().to_string();
        assert!(
            err.contains("item 2 has no name") && err.contains("item 3 (x)"),
            "{err}"
        );
        assert!(read(Format::Bitwarden, r#"{"encrypted": true, "items": []}"#).is_err());
        assert!(read(Format::Bitwarden, "not json").is_err());
    }

    #[test]
    fn a_1password_csv_becomes_items_and_bad_lines_are_named() {
        let csv = "\u{feff}Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\r\n\
                   Bank,https://bank.example,alice,\"hun,ter\"\"2\",,false,false,,\"two\nlines\"\r\n\
                   Wifi,,,4711,,true,false,home,\r\n";
        let items = read(Format::OnePassword, csv).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].slots["password"], "hun,ter\"2");
        assert_eq!(items[0].slots["notes"], "two\nlines");
        assert_eq!(items[0].types["url"], "url");
        assert!(!items[1].slots.contains_key("favorite"));
        let bad = "Title,Password\nok,1\n,2\nx,3,extra\n";
        let err = read(Format::OnePassword, bad).unwrap_err().to_string();
        assert!(
            err.contains("line 3 has no title") && err.contains("line 4 has 3 fields"),
            "{err}"
        );
        assert!(
            read(Format::OnePassword, "Name,Password\nx,1\n").is_err(),
            "no Title column"
        );
        assert!(
            read(Format::OnePassword, "Title\n\"open").is_err(),
            "unclosed quote"
        );
    }
}
