//! What a command can fail with: one line on stderr, with a hint where there is something to
//! do, and an exit status per kind so that scripts can tell them apart.
//!
//! | status | kind |
//! |---|---|
//! | 1 | anything else the Vault or the client refused |
//! | 2 | the command line, a file or the input is wrong |
//! | 3 | the Vault could not be reached or failed (try again later) |
//! | 4 | not logged in, or the session has ended (log in again) |
//! | 5 | a security check failed: tampering, a substituted key, a rollback (do not go on) |

use covault::client::ClientError;

/// A command's failure.
#[derive(Debug)]
pub enum CliError {
    /// The Vault or the client refused (with what the command was doing, if it says more).
    Client(ClientError, Option<String>),
    /// The command line, a file or the user's input is wrong.
    Input(String),
}

impl CliError {
    /// The process exit status for this failure (see the module table).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Client(e, _) => match e.code() {
                "Network" | "Server" => 3,
                "Unauthorized" => 4,
                "Integrity" | "KeyMismatch" | "Rollback" => 5,
                "InvalidInput" => 2,
                _ => 1,
            },
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Input(message) => f.write_str(message),
            CliError::Client(error, None) => f.write_str(&hinted(error)),
            CliError::Client(error, Some(context)) => write!(f, "{context}: {}", hinted(error)),
        }
    }
}

impl From<ClientError> for CliError {
    fn from(error: ClientError) -> Self {
        CliError::Client(error, None)
    }
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError::Input(message)
    }
}

impl From<&str> for CliError {
    fn from(message: &str) -> Self {
        CliError::Input(message.to_owned())
    }
}

/// One line for a client error, with what to do where there is something to do.
pub fn hinted(error: &ClientError) -> String {
    match error {
        ClientError::Network(m) => {
            format!("{m} (is covault-server running? set --vault or COVAULT_VAULT_URL)")
        }
        ClientError::NotFound(_) => {
            "not found: no such id, or it is not yours, or it was deleted or has expired".into()
        }
        e @ ClientError::Rollback(_) => format!(
            "{e} (the Vault served older data than this device has seen; it may be compromised)"
        ),
        e @ ClientError::KeyMismatch(_) => format!(
            "{e} (the Vault may have substituted a key: do not share on this connection until \
             you and your peer have compared fingerprints over another channel)"
        ),
        e @ ClientError::Integrity(_) => format!(
            "{e} (the Vault's answer does not match what was asked for or sealed; it may be \
             compromised)"
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_exit_status() {
        let cases: [(CliError, u8); 6] = [
            (CliError::from("bad flag"), 2),
            (ClientError::InvalidInput("x".into()).into(), 2),
            (ClientError::Network("down".into()).into(), 3),
            (ClientError::Unauthorized("ended".into()).into(), 4),
            (ClientError::Rollback("older".into()).into(), 5),
            (ClientError::NotAccepted.into(), 1),
        ];
        for (error, status) in cases {
            assert_eq!(error.exit_code(), status, "{error}");
        }
        let with_context = CliError::Client(ClientError::NotAccepted, Some("reading".into()));
        assert!(with_context.to_string().starts_with("reading: "));
    }
}
