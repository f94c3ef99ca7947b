-- Login limits that never lock out a correct credential: wrong attempts counted per account
-- ("account:EMAIL") and per client address ("addr:IP"), with the time of the last one for an
-- exponential back-off. Rows older than the window are deleted as new failures arrive.
DROP TABLE login_failures;

CREATE TABLE login_limits (
    subject      TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    last_failure BIGINT NOT NULL
);
CREATE INDEX login_limits_last ON login_limits(last_failure);
