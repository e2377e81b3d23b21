-- +goose Up
-- The community's settlements (населені пункти) and starosta districts (старостинські округи), kept by
-- admins (internal/settlement). A settlement is never deleted, because appeals keep pointing at it; one
-- entered by mistake is made inactive: no longer offered, no longer matched in addresses. Two villages
-- of one name may lie in two districts, so the name is unique within its district.
CREATE TABLE settlements (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name_uk    TEXT NOT NULL,
    name_en    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL DEFAULT '',
    district   TEXT NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT 1,
    created_at DATETIME NOT NULL,
    UNIQUE (name_uk, district)
);

-- The author's settlement, matched from the address at registration or chosen by the registrar; empty
-- when nothing matched ("не визначено" in the report).
ALTER TABLE appeals ADD COLUMN settlement_id INTEGER REFERENCES settlements (id);
CREATE INDEX appeals_settlement ON appeals (settlement_id);

-- The report groups by settlement too: its covering index gains the column, so the report is still
-- answered from the index alone (migration 00009 says why).
DROP INDEX appeals_report;
CREATE INDEX appeals_report ON appeals (received_at, channel, type, nature, sign, result, priority, status,
    due_date, answered_at, signers, author_gender, author_social_status, department_id, author_categories,
    settlement_id);

-- +goose Down
DROP INDEX appeals_report;
CREATE INDEX appeals_report ON appeals (received_at, channel, type, nature, sign, result, priority, status,
    due_date, answered_at, signers, author_gender, author_social_status, department_id, author_categories);
DROP INDEX appeals_settlement;
ALTER TABLE appeals DROP COLUMN settlement_id;
DROP TABLE settlements;
