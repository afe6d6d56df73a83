//! Asking for git credentials on the terminal (dialoguer, on stderr): a user name and password
//! or token for https (ssh asks for a key's passphrase itself). Only used when stdin and stderr
//! are terminals; the answers go to the HTTP transport and are never printed or stored.

use crate::registry::auth::CredentialPrompter;
use dialoguer::{Input, Password};

/// Prompts on the terminal.
pub(crate) struct TerminalCredentials;

impl CredentialPrompter for TerminalCredentials {
    fn username_password(&self, url: &str, username: Option<&str>) -> Option<(String, String)> {
        eprintln!("{url} needs credentials (or set PAVE_GIT_TOKEN, or a git credential helper).");
        let user = match username {
            Some(user) => user.to_string(),
            None => Input::<String>::new()
                .with_prompt("User name")
                .interact_text()
                .ok()?,
        };
        let password = Password::new()
            .with_prompt(format!("Password or token for {user}"))
            .interact()
            .ok()?;
        Some((user, password))
    }
}
