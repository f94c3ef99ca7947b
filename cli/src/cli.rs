//! The command line: one subcommand per step of the guide.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The covault command-line client: users, items, connections and shares, end-to-end
/// encrypted. Keys are made and used here; the Vault sees only ciphertext.
#[derive(Debug, Parser)]
#[command(name = "covault", version, after_help = WALKTHROUGH)]
pub struct Cli {
    /// The Vault's URL (https://, or http:// for a Vault on this machine). Also
    /// COVAULT_VAULT_URL, or COVAULT_VAULT_URL=… in ./.covault.env. Commands with an auth file
    /// use the Vault it was made with, and refuse a different one named here.
    #[arg(long, global = true, env = "COVAULT_VAULT_URL")]
    pub vault: Option<String>,
    /// Print JSON instead of YAML.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

const WALKTHROUGH: &str = "The guide, in short:
  covault users:create -e alice@example.com -p 'alice passphrase' > .alice.yaml
  covault users:create -e bob@example.com -p 'bob passphrase' > .bob.yaml
  covault connections:create-config --from .alice.yaml --to .bob.yaml > .connection_config.yaml
  covault connections:create -c .connection_config.yaml
  covault connections:verify -a .alice.yaml CONN --fingerprint '12345 …'   # the code Bob reads out
  covault items:create -i item.yaml -a .alice.yaml
  covault shares:create-config --from .alice.yaml --connection-id CONN --item-id ITEM > .share_config.yaml
  covault shares:create -c .share_config.yaml
  covault shares:list -a .bob.yaml
  covault shares:get-incoming -a .bob.yaml SHARE_ID
  covault links:create -a .alice.yaml ITEM --max-views 1   # a link for someone without an account
  covault links:open 'URL'                                 # opens it; no account needed";

/// The auth file of the user acting.
#[derive(Debug, Args)]
pub struct Auth {
    /// Auth file of the user acting (from users:create or users:login). Meeco's default,
    /// .user.yaml, when omitted.
    #[arg(
        short = 'a',
        long = "auth",
        value_name = "FILE",
        default_value = DEFAULT_AUTH
    )]
    pub auth: PathBuf,
}

/// The auth file a command uses when `-a` is omitted (as Meeco's CLI does).
pub const DEFAULT_AUTH: &str = ".user.yaml";

/// Where a passphrase comes from.
#[derive(Debug, Args)]
pub struct Passphrase {
    /// The passphrase. Also COVAULT_PASSPHRASE; prompted for when neither is given.
    #[arg(
        short = 'p',
        long = "passphrase",
        env = "COVAULT_PASSPHRASE",
        hide_env_values = true
    )]
    pub passphrase: Option<String>,
}

/// An item of the user acting: its id (a positional argument) and the auth file.
#[derive(Debug, Args)]
pub struct ItemRef {
    /// The item id.
    pub id: String,
    #[command(flatten)]
    pub auth: Auth,
}

/// A share, on either side: its id (a positional argument) and the auth file of the user acting.
#[derive(Debug, Args)]
pub struct ShareRef {
    /// The share id.
    pub id: String,
    #[command(flatten)]
    pub auth: Auth,
}

/// Where a downloaded file is written, and the auth file of the user acting.
#[derive(Debug, Args)]
pub struct Download {
    /// Where to write the file.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    #[command(flatten)]
    pub auth: Auth,
}

/// `shares:create`'s flags, which override the share config's options.
#[derive(Debug, Args)]
pub struct ShareFlags {
    /// When the share stops being served (RFC 3339); overrides the config.
    #[arg(short = 'd', long, value_name = "RFC3339")]
    pub expires_at: Option<String>,
    /// Terms the recipient sees; overrides the config.
    #[arg(long)]
    pub terms: Option<String>,
    /// The recipient must accept before reading.
    #[arg(long)]
    pub acceptance_required: bool,
    /// Let the recipient share it on to their own connections (each on-shared copy can be
    /// checked against your values).
    #[arg(long = "onshare")]
    pub on_sharing: bool,
}

/// How the invitee names an invitation: `ID.TOKEN` as one argument (as Meeco's
/// `connections:accept TOKEN`), or `--invitation-id` and `--token`.
#[derive(Debug, Args)]
pub struct Invitation {
    /// The invitation as connections:invite printed it: ID.TOKEN (or the token, with
    /// --invitation-id).
    #[arg(value_name = "INVITATION")]
    pub combined: Option<String>,
    /// The invitation id.
    #[arg(long)]
    pub invitation_id: Option<String>,
    /// The invitation token.
    #[arg(long)]
    pub token: Option<String>,
}

/// `links:create`: the item, the link's limits, and the auth file of the user acting.
#[derive(Debug, Args)]
pub struct NewLink {
    /// The item to snapshot.
    pub item_id: String,
    /// How long the link opens: a number and s, m, h, d or w.
    #[arg(long, default_value = "7d", value_name = "DURATION")]
    pub expires_in: String,
    /// How many times it may be opened (default: until it expires).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_views: Option<u32>,
    /// Also require a passphrase (from COVAULT_LINK_PASSPHRASE, else asked for).
    #[arg(long)]
    pub passphrase: bool,
    /// Only this slot (repeat for more; default: all of the item's).
    #[arg(long = "slot", value_name = "NAME")]
    pub slots: Vec<String>,
    #[command(flatten)]
    pub auth: Auth,
}

/// Which shares to list.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShareType {
    /// Shared with you, by anyone.
    Incoming,
    /// Shared by you.
    Outgoing,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a user and print its auth file.
    #[command(
        name = "users:create",
        after_help = "Examples:\n  covault users:create -e alice@example.com -p 'alice passphrase' > .alice.yaml\n  covault users:create -p 'alice passphrase' > .alice.yaml     # no email: connect with connections:create-config\n\nThe auth file is written 0600 and holds the session, the secret key and the unlock key, never the passphrase.\nKeep the secret key (it is also printed to stderr): without it the account cannot be opened.\nWhat this device has seen is kept beside the auth file, in .alice.yaml.state (0600)."
    )]
    UsersCreate {
        /// The new account's email, which others invite it by. Without one the account gets
        /// a placeholder address (it can still be connected with connections:create-config).
        #[arg(short = 'e', long, env = "COVAULT_EMAIL")]
        email: Option<String>,
        #[command(flatten)]
        passphrase: Passphrase,
        /// Write the auth file here (mode 0600) instead of to standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Open a new session for an existing user and print (or refresh) its auth file.
    #[command(
        name = "users:login",
        after_help = "Examples:\n  covault users:login -a .alice.yaml -p 'alice passphrase'       # refresh an expired session in place\n  covault users:login -e alice@example.com --secret-key CV1-… -p '…' -o .alice.yaml\n\nThe device state beside the auth file (.alice.yaml.state) is kept and taken up."
    )]
    UsersLogin {
        /// An existing auth file to refresh (its email and secret key are used, and it is rewritten).
        #[arg(short = 'a', long = "auth", value_name = "FILE")]
        auth: Option<PathBuf>,
        /// The email (without -a).
        #[arg(short = 'e', long)]
        email: Option<String>,
        /// The secret key from the recovery kit (without -a).
        #[arg(long, env = "COVAULT_SECRET_KEY", hide_env_values = true)]
        secret_key: Option<String>,
        #[command(flatten)]
        passphrase: Passphrase,
        /// Write the auth file here (mode 0600) instead of to standard output (without -a).
        #[arg(short = 'o', long, value_name = "FILE", conflicts_with = "auth")]
        output: Option<PathBuf>,
    },
    /// Show the user of an auth file.
    #[command(
        name = "users:get",
        after_help = "Example:\n  covault users:get -a .alice.yaml"
    )]
    UsersGet(Auth),
    /// Create an item from a file of kind Item.
    #[command(
        name = "items:create",
        after_help = "Example:\n  covault items:create -i item.yaml -a .alice.yaml\n\nitem.yaml:\n  kind: Item\n  spec:\n    label: My bank\n    slots:\n      - name: username\n        value: alice\n      - name: password\n        value: hunter2"
    )]
    ItemsCreate {
        /// The item file.
        #[arg(short = 'i', long = "item", value_name = "FILE")]
        item: PathBuf,
        #[command(flatten)]
        auth: Auth,
    },
    /// List your items, decrypted.
    #[command(
        name = "items:list",
        after_help = "Example:\n  covault items:list -a .alice.yaml"
    )]
    ItemsList(Auth),
    /// Show one item, decrypted.
    #[command(
        name = "items:get",
        after_help = "Example:\n  covault items:get -a .alice.yaml ITEM_ID"
    )]
    ItemsGet(ItemRef),
    /// Replace an item's label and slots from a file of kind Item.
    #[command(
        name = "items:update",
        after_help = "Examples:\n  covault items:update -a .alice.yaml ITEM_ID -i item.yaml\n  covault items:get -a .alice.yaml ITEM_ID > item.yaml   # edit, then:\n  covault items:update -a .alice.yaml ITEM_ID -i item.yaml\n\nIf item.yaml has the version items:get printed, exactly that version is replaced: when the item\nwas changed since, the update is refused (read it again). Without one, the current version is replaced.\nEvery share made from the item is then refreshed with the new version (each one that fails is reported)."
    )]
    ItemsUpdate {
        /// The item id.
        id: String,
        /// The item file.
        #[arg(short = 'i', long = "item", value_name = "FILE")]
        item: PathBuf,
        #[command(flatten)]
        auth: Auth,
    },
    /// Remove one slot from an item (the item's next version).
    #[command(
        name = "items:remove-slot",
        after_help = "Example:\n  covault items:remove-slot -a .alice.yaml ITEM_ID password\n\nEvery share made from the item is then refreshed, so its recipients no longer see the slot."
    )]
    ItemsRemoveSlot {
        #[command(flatten)]
        item: ItemRef,
        /// The name of the slot to remove.
        slot: String,
    },
    /// Import items from a Bitwarden (unencrypted JSON) or 1Password (CSV) export.
    #[command(
        name = "items:import",
        after_help = "Examples:\n  covault items:import -a .alice.yaml bitwarden_export.json\n  covault items:import -a .alice.yaml 1password.csv --format 1password\n\nThe whole file is read and checked first: every bad row is named (by line or item number) and then\nnothing is imported. Items go to the Vault 500 per request, each batch in one transaction."
    )]
    ItemsImport {
        /// The export file.
        file: PathBuf,
        /// bitwarden or 1password (default: from the file's extension, .json or .csv).
        #[arg(long)]
        format: Option<String>,
        #[command(flatten)]
        auth: Auth,
    },
    /// Print a ready item file for a template, with typed slots to fill in.
    #[command(
        name = "items:create-config",
        after_help = "Examples:\n  covault items:create-config login > item.yaml    # fill in the values, then:\n  covault items:create -a .alice.yaml -i item.yaml\n\nTemplates: login, bank_account, passport, contact, wifi, note.\nSlot types: text, password, note, date (YYYY-MM-DD), url, email, phone_number, bool, select:a|b|c.\nEach value is checked against its type when the item is written; a slot may also be left empty."
    )]
    ItemsCreateConfig {
        /// The template.
        template: String,
    },
    /// List who holds copies of an item: recipients of your shares of it, and of on-shares.
    #[command(
        name = "items:holders",
        after_help = "Example:\n  covault items:holders -a .alice.yaml ITEM_ID\n\nYour own shares are checked by your client (checked: true); on-shares made from them are as the Vault reports them."
    )]
    ItemsHolders(ItemRef),
    /// Delete an item (shares made from it are separate copies and stay).
    #[command(
        name = "items:delete",
        after_help = "Example:\n  covault items:delete -a .alice.yaml ITEM_ID"
    )]
    ItemsDelete(ItemRef),
    /// Attach a file to an item: encrypted here in chunks and uploaded (resuming after a
    /// dropped connection), then named in the item's sealed file list (the item's next version).
    #[command(
        name = "items:attach",
        after_help = "Example:\n  covault items:attach -a .alice.yaml ITEM_ID passport.pdf\n\nA progress bar shows on a terminal. The file is read in 1 MiB chunks, never whole; the Vault\nstores only ciphertext and counts it against your quota (413 QuotaExceeded past it)."
    )]
    ItemsAttach {
        /// The item id.
        id: String,
        /// The file to attach.
        file: PathBuf,
        /// Media type to record (for browsers that download it), e.g. application/pdf.
        #[arg(long = "type", value_name = "MEDIA_TYPE", default_value = "")]
        media_type: String,
        #[command(flatten)]
        auth: Auth,
    },
    /// List the files attached to an item (from its sealed file list).
    #[command(
        name = "items:files",
        after_help = "Example:\n  covault items:files -a .alice.yaml ITEM_ID"
    )]
    ItemsFiles(ItemRef),
    /// Download and decrypt an attached file, chunk by chunk, checking each.
    #[command(
        name = "items:get-file",
        visible_alias = "items:download",
        after_help = "Example:\n  covault items:get-file -a .alice.yaml ITEM_ID FILE_ID -o passport.pdf\n\nThe file is written to OUT.part and renamed to OUT only once every chunk has been checked,\nso a file the Vault tampered with never appears as OUT."
    )]
    ItemsGetFile {
        /// The item id.
        id: String,
        /// The file id (from items:files or items:attach).
        file_id: String,
        #[command(flatten)]
        to: Download,
    },
    /// Remove an attached file (the item's next version; the Vault deletes its chunks).
    #[command(
        name = "items:remove-file",
        after_help = "Example:\n  covault items:remove-file -a .alice.yaml ITEM_ID FILE_ID"
    )]
    ItemsRemoveFile {
        #[command(flatten)]
        item: ItemRef,
        /// The file id.
        file_id: String,
    },
    /// Let the recipient of one of your shares download the files of its copy (run after
    /// shares:create or shares:update of an item with files).
    #[command(
        name = "shares:share-files",
        after_help = "Example:\n  covault shares:share-files -a .alice.yaml SHARE_ID\n\nThe share's copy already carries each file's key, sealed for the recipient; this tells the\nVault which files the recipient may download. It replaces the previous set: after shares:update\nof an item whose file was removed, the Vault stops serving it (and deletes it once nothing holds it)."
    )]
    SharesShareFiles(ShareRef),
    /// List the files of a share (from its sealed copy).
    #[command(
        name = "shares:files",
        after_help = "Example:\n  covault shares:files -a .bob.yaml SHARE_ID"
    )]
    SharesFiles(ShareRef),
    /// Download and decrypt a file of a share, chunk by chunk, checking each.
    #[command(
        name = "shares:get-file",
        visible_alias = "shares:download",
        after_help = "Example:\n  covault shares:get-file -a .bob.yaml SHARE_ID FILE_ID -o contract.pdf\n\nWritten to OUT.part and renamed to OUT once every chunk has been checked."
    )]
    SharesGetFile {
        /// The share id.
        id: String,
        /// The file id (from shares:files).
        file_id: String,
        #[command(flatten)]
        to: Download,
    },
    /// Write a connection config for two users, to edit and pass to connections:create.
    #[command(
        name = "connections:create-config",
        after_help = "Example:\n  covault connections:create-config --from .alice.yaml --to .bob.yaml > .connection_config.yaml"
    )]
    ConnectionsCreateConfig {
        /// The inviter's auth file.
        #[arg(short = 'f', long)]
        from: PathBuf,
        /// The invitee's auth file.
        #[arg(short = 't', long)]
        to: PathBuf,
    },
    /// Connect two users: keypairs for both, the invitation, and its acceptance.
    #[command(
        name = "connections:create",
        after_help = "Example:\n  covault connections:create -c .connection_config.yaml"
    )]
    ConnectionsCreate {
        /// The connection config.
        #[arg(short = 'c', long = "config", value_name = "FILE")]
        config: PathBuf,
    },
    /// Invite someone by email (when the two users are on different machines).
    #[command(
        name = "connections:invite",
        after_help = "Example:\n  covault connections:invite -a .alice.yaml --email bob@example.com\n\nPass the printed id and token to Bob (the Vault also emails them when it has SMTP); he runs connections:accept."
    )]
    ConnectionsInvite {
        #[command(flatten)]
        auth: Auth,
        /// The invitee's email.
        #[arg(long)]
        email: String,
    },
    /// Accept an invitation (the ID.TOKEN connections:invite printed), optionally naming the
    /// connection.
    #[command(
        name = "connections:accept",
        after_help = "Examples:\n  covault connections:accept -a .bob.yaml ID.TOKEN -n Alice\n  covault connections:accept -a .bob.yaml --invitation-id ID --token TOKEN\n\nThe name is yours alone: it is sealed with the connection's keys in your account record."
    )]
    ConnectionsAccept {
        #[command(flatten)]
        auth: Auth,
        #[command(flatten)]
        invitation: Invitation,
        /// A name for the connection (for you only).
        #[arg(short = 'n', long)]
        name: Option<String>,
    },
    /// List your connections with their fingerprints and whether you verified them.
    #[command(
        name = "connections:list",
        after_help = "Example:\n  covault connections:list -a .alice.yaml\n\nCompare each fingerprint with your peer's over another channel: if they differ, the Vault substituted a key.\nWhen they match, mark the connection verified with connections:verify."
    )]
    ConnectionsList(Auth),
    /// Mark a connection verified, once you and your peer compared its fingerprint.
    #[command(
        name = "connections:verify",
        after_help = "Examples:\n  covault connections:verify -a .alice.yaml CONNECTION_ID --fingerprint '12345 67890 …'\n  covault connections:verify -a .alice.yaml CONNECTION_ID     # you compared the codes yourself\n\nWith --fingerprint (the 60 digits your peer reads out, spaces optional) the code is checked first:\nif it differs, nothing is marked and the command fails with a key mismatch (the Vault substituted a key)."
    )]
    ConnectionsVerify {
        /// The connection id.
        id: String,
        /// The fingerprint your peer sees, to check against yours.
        #[arg(long, value_name = "DIGITS")]
        fingerprint: Option<String>,
        #[command(flatten)]
        auth: Auth,
    },
    /// Write a share template for an item and one or more connections.
    #[command(
        name = "shares:create-config",
        after_help = "Examples:\n  covault shares:create-config --from .alice.yaml --connection-id CONN_ID --item-id ITEM_ID > .share_config.yaml\n  covault shares:create-config -f .alice.yaml -c CONN_1 -c CONN_2 -i ITEM_ID -s password > .share_config.yaml\n\nWith -s, only the named slots are shared (repeat it for more). With -c repeated, each connection gets its own share.\nITEM_ID may also be a share shared with you whose sender permitted on-sharing: it is then shared on."
    )]
    SharesCreateConfig {
        /// The sharer's auth file.
        #[arg(short = 'f', long)]
        from: PathBuf,
        /// The connection to share on (repeat for several).
        #[arg(short = 'c', long, required = true)]
        connection_id: Vec<String>,
        /// The item to share.
        #[arg(short = 'i', long)]
        item_id: String,
        /// Share only this slot (repeat for several); default: every slot.
        #[arg(short = 's', long = "slot", value_name = "SLOT")]
        slots: Vec<String>,
    },
    /// Share an item as a share config describes.
    #[command(
        name = "shares:create",
        after_help = "Example:\n  covault shares:create -c .share_config.yaml --expires-at 2027-01-01T00:00:00Z --terms 'Do not forward' --acceptance-required"
    )]
    SharesCreate {
        /// The share config.
        #[arg(short = 'c', long = "config", value_name = "FILE")]
        config: PathBuf,
        #[command(flatten)]
        flags: ShareFlags,
    },
    /// List shares: incoming (from every user) by default, or outgoing.
    #[command(
        name = "shares:list",
        after_help = "Examples:\n  covault shares:list -a .bob.yaml\n  covault shares:list -t outgoing -a .alice.yaml"
    )]
    SharesList {
        #[command(flatten)]
        auth: Auth,
        /// incoming or outgoing.
        #[arg(short = 't', long = "type", value_enum, default_value = "incoming")]
        share_type: ShareType,
        /// Every page (covault always lists every page; accepted for Meeco command lines).
        #[arg(long)]
        all: bool,
    },
    /// Show an incoming share and its decrypted item.
    #[command(
        name = "shares:get-incoming",
        after_help = "Example:\n  covault shares:get-incoming -a .bob.yaml SHARE_ID"
    )]
    SharesGetIncoming(ShareRef),
    /// Accept a share that requires acceptance.
    #[command(
        name = "shares:accept",
        after_help = "Examples:\n  covault shares:accept -a .bob.yaml SHARE_ID        # shows the terms and asks\n  covault shares:accept -a .bob.yaml SHARE_ID -y     # in scripts: accepts without asking"
    )]
    SharesAccept {
        /// The share id.
        id: String,
        /// Accept without showing the terms and asking (needed when not on a terminal).
        #[arg(short = 'y', long = "yes")]
        yes: bool,
        #[command(flatten)]
        auth: Auth,
    },
    /// Update shares with the latest version of what they were made from (sender only).
    #[command(
        name = "shares:update",
        after_help = "Examples:\n  covault shares:update -a .alice.yaml ITEM_ID      # every share of the item\n  covault shares:update -a .alice.yaml SHARE_ID     # one share\n\nitems:update already does this for every share of the item it writes.\nA share made before covault 0.3 does not know its item: name it with --item-id."
    )]
    SharesUpdate {
        /// An item id (every share made from it) or a share id.
        id: String,
        /// For a share made before covault 0.3: the item it was made from.
        #[arg(long)]
        item_id: Option<String>,
        #[command(flatten)]
        auth: Auth,
    },
    /// Reject a share shared with you: you will not read it, and its sender sees that.
    #[command(
        name = "shares:reject",
        after_help = "Example:\n  covault shares:reject -a .bob.yaml SHARE_ID"
    )]
    SharesReject(ShareRef),
    /// Delete a share; either side may.
    #[command(
        name = "shares:delete",
        after_help = "Example:\n  covault shares:delete -a .alice.yaml SHARE_ID"
    )]
    SharesDelete(ShareRef),
    /// Make a link to an item for someone without an account; prints the URL to send.
    #[command(
        name = "links:create",
        after_help = "Examples:\n  covault links:create -a .alice.yaml ITEM_ID --expires-in 7d --max-views 1\n  COVAULT_LINK_PASSPHRASE='tell them by phone' covault links:create -a .alice.yaml ITEM_ID --passphrase --slot password\n\nThe key is only in the URL's #fragment, which is never sent to the Vault: whoever has the URL (and the\npassphrase, if set) can open the link until it expires or runs out of views. The Vault enforces both,\nand could still serve the link more often than allowed to someone who has the URL, or withhold it."
    )]
    LinksCreate(NewLink),
    /// List your links, with the views the Vault counted; a link whose report differs from
    /// what was sealed shows an error.
    #[command(
        name = "links:list",
        after_help = "Example:\n  covault links:list -a .alice.yaml"
    )]
    LinksList(Auth),
    /// Revoke a link: the Vault deletes its ciphertext at once.
    #[command(
        name = "links:revoke",
        after_help = "Example:\n  covault links:revoke -a .alice.yaml LINK_ID"
    )]
    LinksRevoke {
        /// The link id.
        id: String,
        #[command(flatten)]
        auth: Auth,
    },
    /// Open a link; no account needed.
    #[command(
        name = "links:open",
        after_help = "Examples:\n  covault links:open 'http://127.0.0.1:8080/link.html#cl1.…'\n  COVAULT_LINK_PASSPHRASE='…' covault links:open 'URL'\n\nThe values are shown with who sent them as the sender sealed it; trust that line as far as you trust\nwhoever gave you the URL. An expired link is refused even if the Vault still serves it."
    )]
    LinksOpen {
        /// The link's URL, with its #fragment.
        url: String,
        /// The link needs a passphrase (from COVAULT_LINK_PASSPHRASE, else asked for); a
        /// passphrase link's URL says so itself.
        #[arg(long)]
        passphrase: bool,
    },
}
