//! Output: YAML documents with `kind` and `spec` (the guide's style), or JSON with `--json`.
//! Every key is snake_case, the wire's casing, whatever casing the printed type has (the
//! library's client types are camelCase for JavaScript): see `covault::client::casing`.

use crate::error::CliError;
use covault::client::casing::{USER_DATA_KEYS, snake_case};
use serde::Serialize;
use serde_yaml_ng::Value;

/// A document of the given kind.
#[derive(Serialize)]
pub struct Doc<'a, T: Serialize> {
    /// What it is: `User`, `Item`, `Items`, `Connection`, …
    pub kind: &'a str,
    /// The content.
    pub spec: T,
}

/// Renders a document as YAML or JSON.
pub fn render<T: Serialize>(kind: &str, spec: T, json: bool) -> Result<String, CliError> {
    render_value(&Doc { kind, spec }, json)
}

/// Renders any serializable document (a config file) as YAML or JSON.
pub fn render_value<T: Serialize>(doc: &T, json: bool) -> Result<String, CliError> {
    // A YAML value keeps the fields in their declared order, as JSON's map would not.
    let doc = serde_yaml_ng::to_value(doc).map_err(|e| CliError::from(e.to_string()))?;
    let doc = snake(doc);
    if json {
        serde_json::to_string_pretty(&doc)
            .map(|s| s + "\n")
            .map_err(|e| CliError::from(e.to_string()))
    } else {
        serde_yaml_ng::to_string(&doc).map_err(|e| CliError::from(e.to_string()))
    }
}

/// Every key in snake_case, except inside the user's own maps (slot names keep their spelling).
fn snake(value: Value) -> Value {
    match value {
        Value::Sequence(list) => Value::Sequence(list.into_iter().map(snake).collect()),
        Value::Mapping(map) => Value::Mapping(
            map.into_iter()
                .map(|(key, v)| match key {
                    Value::String(k) if USER_DATA_KEYS.contains(&k.as_str()) => {
                        (Value::String(k), v)
                    }
                    Value::String(k) => (Value::String(snake_case(&k)), snake(v)),
                    other => (other, snake(v)),
                })
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::render_value;
    use serde_json::json;

    #[test]
    fn keys_are_snake_case_but_slot_names_keep_their_spelling() {
        let doc = json!({"kind": "Share", "spec": {
            "shareId": "s", "on_sharing": true,
            "slots": {"myPin": "1"}, "types": {"myPin": "password"},
            "list": [{"mediaType": "text/plain"}],
        }});
        let out = render_value(&doc, true).unwrap();
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["spec"]["share_id"], "s");
        assert_eq!(back["spec"]["on_sharing"], true);
        assert_eq!(back["spec"]["slots"]["myPin"], "1");
        assert_eq!(back["spec"]["types"]["myPin"], "password");
        assert_eq!(back["spec"]["list"][0]["media_type"], "text/plain");
        assert!(render_value(&doc, false).unwrap().contains("share_id: s"));
    }
}
