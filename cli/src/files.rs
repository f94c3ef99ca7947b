//! The files the CLI reads and writes: the auth file (a credential, written 0600, never
//! holding the passphrase), the device state beside it, item files, and the connection and
//! share configs.
//!
//! Casing: snake_case keys, as on the wire and in the CLI's output, are canonical in every file
//! the CLI reads and writes; the camelCase spelling of each key (as in Meeco's CLI files, and in
//! the configs covault 0.2 wrote) is accepted too, through serde aliases.

use crate::error::CliError;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use covault::client::SavedSession;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A file of a given `kind`, with optional `metadata` and a `spec`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document<M, S> {
    /// The kind.
    pub kind: String,
    /// Where things are (paths, the Vault).
    #[serde(default)]
    pub metadata: M,
    /// The content.
    pub spec: S,
}

/// Reads and parses a YAML file of the expected kind, with a one-line error naming the file.
pub fn read<M: DeserializeOwned + Default, S: DeserializeOwned>(
    path: &Path,
    kind: &str,
) -> Result<Document<M, S>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Document<M, S> = serde_yaml_ng::from_str(&text)
        .map_err(|e| format!("{} is not a valid {kind} file: {e}", path.display()))?;
    if doc.kind != kind {
        return Err(format!(
            "{} is a {:?} file, expected kind {kind:?}",
            path.display(),
            doc.kind
        )
        .into());
    }
    Ok(doc)
}

/// The auth file: `kind: Auth`, the saved session as `spec`.
pub type AuthFile = Document<BTreeMap<String, String>, SavedSession>;

/// Reads an auth file.
pub fn read_auth(path: &Path) -> Result<SavedSession, CliError> {
    Ok(read::<BTreeMap<String, String>, SavedSession>(path, "Auth")?.spec)
}

/// The YAML of an auth file, with a comment saying what it is.
pub fn auth_yaml(session: &SavedSession) -> Result<String, CliError> {
    let doc: AuthFile = Document {
        kind: "Auth".into(),
        metadata: BTreeMap::new(),
        spec: session.clone(),
    };
    let yaml = serde_yaml_ng::to_string(&doc).map_err(|e| CliError::from(e.to_string()))?;
    Ok(format!(
        "# covault auth file for {}: a credential. Keep it private (mode 0600).\n\
         # It holds the session token, the secret key and the unlock key, never the passphrase.\n{yaml}",
        session.email
    ))
}

/// Where the device state of an auth file lives: beside it, `PATH.state`.
pub fn state_path(auth: &Path) -> PathBuf {
    let mut name = auth.file_name().unwrap_or_default().to_owned();
    name.push(".state");
    auth.with_file_name(name)
}

/// The device state saved beside an auth file, if there is one (none: a fresh device).
pub fn read_state(auth: &Path) -> Result<Option<String>, CliError> {
    let path = state_path(auth);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text.trim().to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display()).into()),
    }
}

/// Saves the device state beside an auth file (atomically, mode 0600).
pub fn write_state(auth: &Path, sealed: &str) -> Result<(), CliError> {
    write_private(&state_path(auth), &format!("{sealed}\n"))
}

/// The file standard output was redirected to (`> .alice.yaml`), when it is a regular file
/// whose path can be told (Linux), so that the device state can be saved beside it.
pub fn stdout_path() -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
        let open = std::fs::File::from(fd).metadata().ok()?;
        if !open.is_file() {
            return None;
        }
        let path = std::fs::read_link("/proc/self/fd/1").ok()?;
        let named = std::fs::metadata(&path).ok()?;
        (named.dev() == open.dev() && named.ino() == open.ino()).then_some(path)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// Writes a file atomically (temporary file, then rename) with mode 0600, so that a failure
/// never leaves a half-written credential.
pub fn write_private(path: &Path, text: &str) -> Result<(), CliError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp: PathBuf = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("covault"),
        std::process::id()
    ));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        CliError::from(format!("cannot write {}: {e}", path.display()))
    })
}

/// Prints a credential to standard output; if stdout is a file (`> .alice.yaml`), restricts
/// it to mode 0600 first.
pub fn print_private(text: &str) -> Result<(), CliError> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::PermissionsExt;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            let file = std::fs::File::from(fd);
            if file.metadata().map(|m| m.is_file()).unwrap_or(false) {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| format!("cannot restrict the output file to mode 0600: {e}"))?;
            }
        }
    }
    print!("{text}");
    std::io::stdout()
        .flush()
        .map_err(|e| CliError::from(e.to_string()))
}

/// An item file: `kind: Item`, `spec: {label, slots}`; slots as a map or as a list of
/// `{name, value}`. The `id` and `version` that `items:get` prints may stay in: `items:update`
/// then writes over exactly that version (and checks the id), `items:create` ignores them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemSpec {
    /// The item id, as `items:get` prints it.
    #[serde(default)]
    pub id: Option<String>,
    /// The version the item was read at, as `items:get` prints it.
    #[serde(default)]
    pub version: Option<u64>,
    /// The label.
    pub label: String,
    /// The slots.
    pub slots: Slots,
    /// Slot name → type (as `items:get` prints them); list-form slots may say `type` instead.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
}

/// Slots, in either spelling.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Slots {
    /// `name: value`.
    Map(BTreeMap<String, String>),
    /// `- name: …\n  value: …`.
    List(Vec<Slot>),
}

/// One slot in list form.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// Its name.
    pub name: String,
    /// Its type (`password`, `date`, …), if it has one.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Its value.
    pub value: String,
}

/// Slot name → value, and slot name → type.
pub type SlotMaps = (BTreeMap<String, String>, BTreeMap<String, String>);

impl Slots {
    /// As maps of values and types; duplicate names are an error.
    pub fn into_maps(self) -> Result<SlotMaps, CliError> {
        match self {
            Slots::Map(map) => Ok((map, BTreeMap::new())),
            Slots::List(list) => {
                let (mut values, mut types) = (BTreeMap::new(), BTreeMap::new());
                for slot in list {
                    if values.insert(slot.name.clone(), slot.value).is_some() {
                        return Err(format!("slot {:?} appears twice", slot.name).into());
                    }
                    if let Some(kind) = slot.kind {
                        types.insert(slot.name, kind);
                    }
                }
                Ok((values, types))
            }
        }
    }
}

/// Paths in a config, relative to the config file's folder unless absolute.
pub fn resolve(config: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_owned()
    } else {
        config.parent().unwrap_or(Path::new(".")).join(p)
    }
}

/// `.connection_config.yaml`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionMeta {
    /// The inviter's auth file.
    pub from: String,
    /// The invitee's auth file.
    pub to: String,
}

/// The editable part of a connection config. Read in snake_case or camelCase (see the module
/// doc); written in snake_case.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionSpec {
    /// How the inviter is shown.
    #[serde(alias = "fromName")]
    pub from_name: String,
    /// How the invitee is shown.
    #[serde(alias = "toName")]
    pub to_name: String,
}

/// `.share_config.yaml` metadata.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareMeta {
    /// The sharer's auth file.
    pub from: String,
}

/// The share template. Read in snake_case or camelCase (see the module doc); written in
/// snake_case. Its options mirror the library's
/// `ShareOptions`, which is camelCase only and so cannot be flattened in here.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareSpec {
    /// The connection to share on.
    #[serde(
        default,
        alias = "connectionId",
        skip_serializing_if = "Option::is_none"
    )]
    pub connection_id: Option<String>,
    /// Several connections to share on, each getting its own share.
    #[serde(
        default,
        alias = "connectionIds",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub connection_ids: Vec<String>,
    /// The item to share (or an incoming share to share on).
    #[serde(alias = "itemId")]
    pub item_id: String,
    /// Share only these slots; absent: every slot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slots: Option<Vec<String>>,
    /// The recipient may share it on.
    #[serde(default, alias = "onSharing")]
    pub on_sharing: bool,
    /// RFC 3339, optional.
    #[serde(default, alias = "expiresAt")]
    pub expires_at: Option<String>,
    /// Optional terms.
    #[serde(default)]
    pub terms: Option<String>,
    /// Whether the recipient must accept first.
    #[serde(default, alias = "acceptanceRequired")]
    pub acceptance_required: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<M: DeserializeOwned + Default, S: DeserializeOwned>(yaml: &str) -> Document<M, S> {
        serde_yaml_ng::from_str(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
    }

    #[test]
    fn a_share_config_reads_in_snake_case_and_in_camel_case() {
        let snake = "kind: ShareConfig\nmetadata:\n  from: .alice.yaml\nspec:\n  connection_ids: [c1, c2]\n  item_id: i1\n  slots: [pin]\n  on_sharing: true\n  expires_at: 2099-01-01T00:00:00Z\n  terms: Keep it\n  acceptance_required: true\n";
        let camel = snake
            .replace("connection_ids", "connectionIds")
            .replace("item_id", "itemId")
            .replace("on_sharing", "onSharing")
            .replace("expires_at", "expiresAt")
            .replace("acceptance_required", "acceptanceRequired");
        for yaml in [snake, camel.as_str()] {
            let doc = parse::<ShareMeta, ShareSpec>(yaml);
            let spec = doc.spec;
            assert_eq!(spec.connection_ids, ["c1", "c2"]);
            assert_eq!(spec.item_id, "i1");
            assert_eq!(spec.slots.as_deref(), Some(&["pin".to_owned()][..]));
            assert!(spec.on_sharing && spec.acceptance_required);
            assert_eq!(spec.expires_at.as_deref(), Some("2099-01-01T00:00:00Z"));
            assert_eq!(spec.terms.as_deref(), Some("Keep it"));
        }
        for key in ["connection_id", "connectionId"] {
            let yaml = format!("kind: ShareConfig\nspec:\n  {key}: c1\n  item_id: i1\n");
            let doc = parse::<ShareMeta, ShareSpec>(&yaml);
            assert_eq!(doc.spec.connection_id.as_deref(), Some("c1"));
        }
    }

    #[test]
    fn a_connection_config_reads_in_snake_case_and_in_camel_case() {
        for yaml in [
            "kind: ConnectionConfig\nspec:\n  from_name: Alice\n  to_name: Bob\n",
            "kind: ConnectionConfig\nspec:\n  fromName: Alice\n  toName: Bob\n",
        ] {
            let doc = parse::<ConnectionMeta, ConnectionSpec>(yaml);
            assert_eq!(
                (doc.spec.from_name.as_str(), doc.spec.to_name.as_str()),
                ("Alice", "Bob")
            );
        }
    }

    #[test]
    fn a_key_given_in_both_spellings_or_misspelt_is_refused() {
        let twice = "kind: ShareConfig\nspec:\n  item_id: i1\n  itemId: i2\n";
        let error = serde_yaml_ng::from_str::<Document<ShareMeta, ShareSpec>>(twice).unwrap_err();
        assert!(
            error.to_string().contains("duplicate field `item_id`"),
            "{error}"
        );
        let kebab = "kind: ShareConfig\nspec:\n  item-id: i1\n";
        let error = serde_yaml_ng::from_str::<Document<ShareMeta, ShareSpec>>(kebab).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `item-id`"),
            "{error}"
        );
    }
}
