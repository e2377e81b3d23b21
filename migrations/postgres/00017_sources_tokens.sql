-- +goose Up
-- Issue 13: appeals that come from other systems. A source is one such system — the Government contact
-- centre 1545, the regional governor's hotline, a city app, another authority's portal — with the channel
-- its appeals are registered under. A card of a source is known for ever by its number there: the
-- external reference is structured (source, number, date) and a number is taken once per source, so a
-- re-imported export or a retried API call never makes a second appeal.
CREATE TABLE appeal_sources (
    id         BIGSERIAL PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name_uk    TEXT NOT NULL,
    name_en    TEXT NOT NULL DEFAULT '',
    channel    TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);
INSERT INTO appeal_sources (code, name_uk, name_en, channel, created_at) VALUES
    ('1545', 'Урядовий контактний центр (1545)', 'Government contact centre (1545)', 'gov_hotline', now()),
    ('oda', 'Контакт-центр облдержадміністрації', 'The regional governor''s contact centre', 'oda_hotline', now());

ALTER TABLE appeals ADD COLUMN source_id BIGINT REFERENCES appeal_sources (id);
ALTER TABLE appeals ADD COLUMN external_number TEXT NOT NULL DEFAULT '';
ALTER TABLE appeals ADD COLUMN external_date DATE;
CREATE UNIQUE INDEX appeals_source_number ON appeals (source_id, external_number)
    WHERE source_id IS NOT NULL AND external_number <> '';

-- Tokens of the machine API, issued by an admin to one source: only a keyed hash of the token is kept
-- (it is shown once), with its scopes, its expiry and whether it was revoked.
CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL,
    source_id    BIGINT NOT NULL REFERENCES appeal_sources (id),
    scopes       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    created_by   BIGINT REFERENCES persons (id),
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);

-- +goose Down
DROP TABLE api_tokens;
DROP INDEX appeals_source_number;
ALTER TABLE appeals DROP COLUMN external_date;
ALTER TABLE appeals DROP COLUMN external_number;
ALTER TABLE appeals DROP COLUMN source_id;
DROP TABLE appeal_sources;
