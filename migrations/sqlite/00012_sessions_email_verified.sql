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

-- +goose Down
DROP INDEX sessions_created_at;
DROP INDEX sessions_person;
ALTER TABLE sessions DROP COLUMN person_id;
ALTER TABLE sessions DROP COLUMN created_at;
