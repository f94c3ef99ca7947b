//! Output: YAML documents with `kind` and `spec` (the guide's style), or JSON with `--json`.

use crate::error::CliError;
use serde::Serialize;

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
    if json {
        serde_json::to_string_pretty(doc)
            .map(|s| s + "\n")
            .map_err(|e| CliError::from(e.to_string()))
    } else {
        serde_yaml_ng::to_string(doc).map_err(|e| CliError::from(e.to_string()))
    }
}
