-- +goose Up
-- Issue 16, the whole quarterly report. Parts I.1 (its opening, before the figures), I.2 (methodical work),
-- I.3 (organisational work) and I.4 (novelties) are prose the appeals department types for a period on
-- /admin/report. Every save is a new version, never an update: the document shows the latest, the page
-- lists the earlier ones, and who saved each is in the row and in the audit log (internal/reporttext).
-- The period is kept as the report names it, YYYY-MM-DD both days inclusive, so a month, a quarter and a
-- year that start on the same day keep texts of their own.
CREATE TABLE report_texts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    period_from TEXT NOT NULL CHECK (length(period_from) = 10),
    period_to   TEXT NOT NULL CHECK (length(period_to) = 10),
    part        TEXT NOT NULL CHECK (part IN ('analytical', 'methodical', 'organisational', 'novelties')),
    version     INTEGER NOT NULL CHECK (version > 0),
    body        TEXT NOT NULL,
    author_id   INTEGER REFERENCES persons (id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL,
    UNIQUE (period_from, period_to, part, version)
);

-- +goose Down
DROP TABLE report_texts;
