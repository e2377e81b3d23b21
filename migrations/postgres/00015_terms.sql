-- +goose Up
-- Issue 12, items 4–6: the office's own terms, anonymous appeals and proposed signs of receipt.
--
-- late_reason: why the appeal was forwarded (Art. 7: 5 days) or returned (Art. 5: 10 days) after its
-- term. term_breach: it was (internal/registry/derive.go decides it on every save).
ALTER TABLE appeals ADD COLUMN late_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE appeals ADD COLUMN term_breach BOOLEAN NOT NULL DEFAULT FALSE;
-- uncontrolled: not under deadline control. An anonymous appeal is registered but not considered on
-- the merits (Art. 8), so it has no deadline to miss unless the head takes it under control.
ALTER TABLE appeals ADD COLUMN uncontrolled BOOLEAN NOT NULL DEFAULT FALSE;
-- sign_proposed: the sign of receipt (and its earlier appeal) was proposed by the registry for a portal
-- e-appeal, and no registrar or head has confirmed or corrected it yet.
ALTER TABLE appeals ADD COLUMN sign_proposed BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE appeals SET uncontrolled = TRUE WHERE nature = 'anonymous';
-- Appeals forwarded or returned before this migration: dates as the council reads them. Ukraine keeps
-- one time zone, so Kyiv's is the council's (HROMADA_TIMEZONE's default). Every later step is judged by
-- the application in the configured zone.
UPDATE appeals SET term_breach = TRUE
WHERE answered_at IS NOT NULL AND (
    (status = 'forwarded' AND CAST(answered_at AT TIME ZONE 'Europe/Kyiv' AS date)
        > CAST(received_at AT TIME ZONE 'Europe/Kyiv' AS date) + 5)
 OR (status = 'returned' AND CAST(answered_at AT TIME ZONE 'Europe/Kyiv' AS date)
        > CAST(received_at AT TIME ZONE 'Europe/Kyiv' AS date) + 10));

-- The report counts breaches and takes appeals out of control back out of the overdue count from the
-- few rows this index holds, so its main pass stays an index-only scan of appeals_report.
CREATE INDEX appeals_off_term ON appeals (received_at) WHERE term_breach OR uncontrolled;

-- +goose Down
DROP INDEX appeals_off_term;
ALTER TABLE appeals DROP COLUMN sign_proposed;
ALTER TABLE appeals DROP COLUMN uncontrolled;
ALTER TABLE appeals DROP COLUMN term_breach;
ALTER TABLE appeals DROP COLUMN late_reason;
