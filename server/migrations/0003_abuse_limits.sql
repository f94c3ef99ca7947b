-- Abuse limits. Login limits that never lock out a correct credential: wrong attempts counted per account
-- ("account:EMAIL") and per client address ("addr:IP"), with the time of the last one for an
-- exponential back-off. Rows older than the window are deleted as new failures arrive.
DROP TABLE login_failures;

CREATE TABLE login_limits (
    subject      TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    last_failure BIGINT NOT NULL
);
CREATE INDEX login_limits_last ON login_limits(last_failure);

-- Invitation emails sent per inviter, for the per-account daily limit (kept apart from the
-- invitations themselves, so that cancelling one does not give its email back). Rows older
-- than a day are deleted as new ones arrive.
CREATE TABLE invitation_mail (
    inviter_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at    BIGINT NOT NULL
);
CREATE INDEX invitation_mail_inviter ON invitation_mail(inviter_id, sent_at);
