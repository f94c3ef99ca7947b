//! Invitation delivery: SMTP when configured (lettre), otherwise a log line.

use std::sync::Arc;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Sends invitation emails.
#[derive(Clone)]
pub struct Mailer {
    smtp: Option<Arc<AsyncSmtpTransport<Tokio1Executor>>>,
    from: Mailbox,
}

/// The facts of one invitation that the invitee needs.
pub struct InvitationMail<'a> {
    /// Invitee.
    pub to: &'a str,
    /// Inviter's email.
    pub inviter: &'a str,
    /// Invitation id.
    pub id: &'a str,
    /// The single-use token.
    pub token: &'a str,
    /// RFC 3339.
    pub expires_at: &'a str,
}

impl Mailer {
    /// From the SMTP URL (see `--smtp-url`) and sender address.
    pub fn new(smtp_url: Option<&str>, from: &str) -> anyhow::Result<Mailer> {
        let smtp = match smtp_url {
            Some(url) => Some(Arc::new(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build(),
            )),
            None => None,
        };
        Ok(Mailer {
            smtp,
            from: from.parse()?,
        })
    }

    /// Delivers the invitation. Without SMTP, logs that it was made (never the token: the
    /// inviter received it in the API response and passes it on).
    pub async fn send_invitation(&self, mail: InvitationMail<'_>) -> anyhow::Result<()> {
        let Some(smtp) = &self.smtp else {
            tracing::info!(
                invitation_id = mail.id,
                invitee = mail.to,
                inviter = mail.inviter,
                expires_at = mail.expires_at,
                "invitation created; SMTP is not configured, so no email was sent (the inviter has the token)"
            );
            return Ok(());
        };
        let body = format!(
            "{inviter} invites you to connect on covault.\n\n\
             Invitation id: {id}\nToken: {token}\n\n\
             The token works once and expires at {expires}.\n\
             Accept it in your covault app, or from a terminal:\n\
             covault connections:accept -a YOUR_AUTH_FILE --invitation-id {id} --token {token}\n",
            inviter = mail.inviter,
            id = mail.id,
            token = mail.token,
            expires = mail.expires_at
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse()?)
            // A fixed subject: nothing an inviter chooses goes into it.
            .subject("You are invited to connect on covault")
            .body(body)?;
        smtp.send(message).await?;
        tracing::info!(invitation_id = mail.id, "invitation email sent");
        Ok(())
    }
}
