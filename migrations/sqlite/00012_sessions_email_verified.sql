-- +goose Up
-- Sessions end at an absolute age as well as after idleness (HROMADA_SESSION_MAX_AGE): created_at is when
-- the session began (sign-in renews the session, so for a signed-in session it is the sign-in). Sessions
-- that exist now count from this migration (SQLite adds no column with a default that is not constant,
-- so they are set after; the format is the one the driver writes). person_id, set at sign-in, finds
-- every session of a person for "sign out everywhere".
ALTER TABLE sessions ADD COLUMN created_at DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
UPDATE sessions SET created_at = strftime('%Y-%m-%d %H:%M:%f+00:00', 'now');
ALTER TABLE sessions ADD COLUMN person_id INTEGER REFERENCES persons (id) ON DELETE CASCADE;
CREATE INDEX sessions_person ON sessions (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX sessions_created_at ON sessions (created_at);

-- Whether the identity provider vouched for the person's e-mail at the last sign-in
-- (HROMADA_OIDC_CLAIM_EMAIL_VERIFIED). Only a verified e-mail links appeals registered by staff to the
-- account or lets a role be granted by it; persons who signed in before count as unverified until they
-- sign in again.
ALTER TABLE persons ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT 0;
-- Appeals registered by staff that wait for their author's account: looked up by e-mail at sign-in.
CREATE INDEX appeals_waiting_for_account ON appeals (LOWER(author_email))
    WHERE person_id IS NULL AND author_email <> '';

-- +goose Down
DROP INDEX appeals_waiting_for_account;
ALTER TABLE persons DROP COLUMN email_verified;
DROP INDEX sessions_created_at;
DROP INDEX sessions_person;
ALTER TABLE sessions DROP COLUMN person_id;
ALTER TABLE sessions DROP COLUMN created_at;
