//! `covault`: the covault command-line client. It runs the same client code as the browser,
//! with the native transport, so a person can follow the Connections and Sharing guide from a
//! terminal. `covault --help` lists the commands; each has `--help` with an example.

mod cli;
mod commands;
mod error;
mod files;
mod output;
mod vault_url;

use clap::{CommandFactory, FromArgMatches};

fn main() -> std::process::ExitCode {
    let matches = cli::Cli::command().get_matches();
    let vault_from_flag =
        matches.value_source("vault") == Some(clap::parser::ValueSource::CommandLine);
    let cli = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli, vault_from_flag)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // One line, whatever the message holds; the status says the kind (see error.rs).
            let line = error
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            eprintln!("error: {line}");
            std::process::ExitCode::from(error.exit_code())
        }
    }
}
