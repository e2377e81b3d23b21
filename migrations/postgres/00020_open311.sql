-- +goose Up
-- Issue 13: Open311 GeoReport v2 (open311/, internal/georeport). The council chooses the public-facing
-- services a city app may report under; each maps to a subject of the classifier, so a request becomes a
-- lawful e-appeal with its question coded. Codes are short and never change (clients keep them).
CREATE TABLE open311_services (
    id             BIGSERIAL PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    subject_code   TEXT NOT NULL,
    name_uk        TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    description_uk TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    group_uk       TEXT NOT NULL DEFAULT '',
    group_en       TEXT NOT NULL DEFAULT '',
    position       INTEGER NOT NULL DEFAULT 0,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

-- Where the problem is, as the reporter placed it (registry): a point, an address, the settlement that
-- address names (matched once, at registration), and the public service it was reported under. The
-- author's own address of residence stays where it was (author_address): only the place is public.
ALTER TABLE appeals ADD COLUMN place_latitude DOUBLE PRECISION;
ALTER TABLE appeals ADD COLUMN place_longitude DOUBLE PRECISION;
ALTER TABLE appeals ADD COLUMN place_address TEXT NOT NULL DEFAULT '';
ALTER TABLE appeals ADD COLUMN place_settlement_id BIGINT REFERENCES settlements (id);
ALTER TABLE appeals ADD COLUMN service_code TEXT NOT NULL DEFAULT '';
-- The public list of requests reads only appeals reported under a service, newest first.
CREATE INDEX appeals_service_requests ON appeals (received_at, service_code) WHERE service_code <> '';

-- +goose Down
DROP INDEX appeals_service_requests;
ALTER TABLE appeals DROP COLUMN service_code;
ALTER TABLE appeals DROP COLUMN place_settlement_id;
ALTER TABLE appeals DROP COLUMN place_address;
ALTER TABLE appeals DROP COLUMN place_longitude;
ALTER TABLE appeals DROP COLUMN place_latitude;
DROP TABLE open311_services;
