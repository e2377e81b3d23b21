-- +goose Up
-- Issue 15, item 3: reports that do not grow with the registry. The report sums cells instead of reading
-- every appeal of the period: per council month ('2024-03') and per council year ('2024'), the appeals
-- alike in every code the report groups by, with their count (n) and their signers. Whole years and whole
-- months of a period are read from here; the days of a period that make no whole month are read live.
--
-- The triggers below keep the cells exact in the transaction of every change to appeals and
-- appeal_questions (registration, import, routing, answer, corrections, deletes): the old row's cells lose
-- it, the new row's cells gain it. SQLite has row triggers only; an UPDATE that changes no reported column
-- does nothing.
--
-- A council date needs the council's zone, which only the application knows (its configuration):
-- report_zone holds the zone the cells were built in, and internal/report (cells.go) fills it and builds the
-- cells from the live tables when it is empty or another zone — the backfill, on the first report after
-- this migration. Until then the triggers do nothing and reports read the live tables.
CREATE TABLE report_zone (
    name TEXT PRIMARY KEY
);
-- The zone's UTC offsets from each instant on, written with report_zone: SQLite knows no zones, so a
-- council date is date(t, offset || ' seconds') with the offset of the last row at or before t.
CREATE TABLE report_offsets (
    since   DATETIME PRIMARY KEY,
    seconds INTEGER NOT NULL
) WITHOUT ROWID;

-- bucket: 'YYYY' or 'YYYY-MM' of the date of receipt in the council's zone. The codes are the live
-- report's: priority as 0/1, settlement as the id's text or ''.
CREATE TABLE report_appeal_cells (
    bucket     TEXT NOT NULL,
    channel    TEXT NOT NULL,
    type       TEXT NOT NULL,
    nature     TEXT NOT NULL,
    sign       TEXT NOT NULL,
    priority   INTEGER NOT NULL,
    result     TEXT NOT NULL,
    settlement TEXT NOT NULL,
    n          INTEGER NOT NULL,
    signers    INTEGER NOT NULL,
    PRIMARY KEY (bucket, channel, type, nature, sign, priority, result, settlement)
) WITHOUT ROWID;
-- What "overdue" and "term_breaches" need, which depend on today: due is the due date (YYYY-MM-DD) of an
-- appeal not closed ('' when closed), late is 1 for a closed appeal answered on a council date after its
-- due date.
CREATE TABLE report_term_cells (
    bucket       TEXT NOT NULL,
    due          TEXT NOT NULL,
    late         INTEGER NOT NULL,
    uncontrolled INTEGER NOT NULL,
    breach       INTEGER NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (bucket, due, late, uncontrolled, breach)
) WITHOUT ROWID;
CREATE TABLE report_author_cells (
    bucket        TEXT NOT NULL,
    gender        TEXT NOT NULL,
    social_status TEXT NOT NULL,
    department    TEXT NOT NULL,
    categories    TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (bucket, gender, social_status, department, categories)
) WITHOUT ROWID;
-- Questions per subject code (bare = 0), and appeals that raise no question (bare = 1, code '').
CREATE TABLE report_subject_cells (
    bucket TEXT NOT NULL,
    bare   INTEGER NOT NULL,
    code   TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (bucket, bare, code)
) WITHOUT ROWID;

-- Each trigger adds the new row to its cells (+1) and takes the old row out (-1), for both buckets
-- (substr of the council date: 4 and 7 characters). The questions move with an appeal whose date of
-- receipt changed; an appeal without questions counts in the bare cell. An appeal's questions go before it
-- (as ON DELETE CASCADE would after it), so that their cells still find its date of receipt.
-- +goose StatementBegin
CREATE TRIGGER report_appeals_inserted AFTER INSERT ON appeals
WHEN EXISTS (SELECT 1 FROM report_zone)
BEGIN
    INSERT INTO report_appeal_cells (bucket, channel, type, nature, sign, priority, result, settlement, n, signers)
    SELECT substr(d.day, 1, l.len), NEW.channel, NEW.type, NEW.nature, NEW.sign, CAST(NEW.priority AS INTEGER), NEW.result,
        COALESCE(CAST(NEW.settlement_id AS TEXT), ''), 1, 1 * NEW.signers
    FROM (SELECT date(NEW.received_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, channel, type, nature, sign, priority, result, settlement)
    DO UPDATE SET n = n + excluded.n, signers = signers + excluded.signers;
    INSERT INTO report_term_cells (bucket, due, late, uncontrolled, breach, n)
    SELECT substr(d.day, 1, l.len),
        CASE WHEN NEW.status NOT IN ('answered', 'forwarded', 'returned', 'not_considered') THEN date(NEW.due_date) ELSE '' END,
        CASE WHEN NEW.status IN ('answered', 'forwarded', 'returned', 'not_considered') AND NEW.answered_at > NEW.due_date
            AND date(NEW.answered_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.answered_at ORDER BY since DESC LIMIT 1) || ' seconds') > date(NEW.due_date) THEN 1 ELSE 0 END,
        CAST(NEW.uncontrolled AS INTEGER), CAST(NEW.term_breach AS INTEGER), 1
    FROM (SELECT date(NEW.received_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, due, late, uncontrolled, breach) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_author_cells (bucket, gender, social_status, department, categories, n)
    SELECT substr(d.day, 1, l.len), NEW.author_gender, NEW.author_social_status,
        COALESCE(CAST(NEW.department_id AS TEXT), ''), NEW.author_categories, 1
    FROM (SELECT date(NEW.received_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, gender, social_status, department, categories) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 1, '', 1
    FROM (SELECT date(NEW.received_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l
    WHERE NOT EXISTS (SELECT 1 FROM appeal_questions q WHERE q.appeal_id = NEW.id)
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER report_appeals_updated AFTER UPDATE OF received_at, channel, type, nature, sign, priority, result, settlement_id, signers, status, due_date, answered_at, uncontrolled, term_breach, author_gender, author_social_status, department_id, author_categories ON appeals
WHEN EXISTS (SELECT 1 FROM report_zone)
    AND (OLD.received_at, OLD.channel, OLD.type, OLD.nature, OLD.sign, OLD.priority, OLD.result, OLD.settlement_id, OLD.signers, OLD.status, OLD.due_date, OLD.answered_at, OLD.uncontrolled, OLD.term_breach, OLD.author_gender, OLD.author_social_status, OLD.department_id, OLD.author_categories)
    IS NOT (NEW.received_at, NEW.channel, NEW.type, NEW.nature, NEW.sign, NEW.priority, NEW.result, NEW.settlement_id, NEW.signers, NEW.status, NEW.due_date, NEW.answered_at, NEW.uncontrolled, NEW.term_breach, NEW.author_gender, NEW.author_social_status, NEW.department_id, NEW.author_categories)
BEGIN
    INSERT INTO report_appeal_cells (bucket, channel, type, nature, sign, priority, result, settlement, n, signers)
    SELECT substr(d.day, 1, l.len), OLD.channel, OLD.type, OLD.nature, OLD.sign, CAST(OLD.priority AS INTEGER), OLD.result,
        COALESCE(CAST(OLD.settlement_id AS TEXT), ''), -1, -1 * OLD.signers
    FROM (SELECT date(OLD.received_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, channel, type, nature, sign, priority, result, settlement)
    DO UPDATE SET n = n + excluded.n, signers = signers + excluded.signers;
    INSERT INTO report_appeal_cells (bucket, channel, type, nature, sign, priority, result, settlement, n, signers)
    SELECT substr(d.day, 1, l.len), NEW.channel, NEW.type, NEW.nature, NEW.sign, CAST(NEW.priority AS INTEGER), NEW.result,
        COALESCE(CAST(NEW.settlement_id AS TEXT), ''), 1, 1 * NEW.signers
    FROM (SELECT date(NEW.received_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, channel, type, nature, sign, priority, result, settlement)
    DO UPDATE SET n = n + excluded.n, signers = signers + excluded.signers;
    INSERT INTO report_term_cells (bucket, due, late, uncontrolled, breach, n)
    SELECT substr(d.day, 1, l.len),
        CASE WHEN OLD.status NOT IN ('answered', 'forwarded', 'returned', 'not_considered') THEN date(OLD.due_date) ELSE '' END,
        CASE WHEN OLD.status IN ('answered', 'forwarded', 'returned', 'not_considered') AND OLD.answered_at > OLD.due_date
            AND date(OLD.answered_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.answered_at ORDER BY since DESC LIMIT 1) || ' seconds') > date(OLD.due_date) THEN 1 ELSE 0 END,
        CAST(OLD.uncontrolled AS INTEGER), CAST(OLD.term_breach AS INTEGER), -1
    FROM (SELECT date(OLD.received_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, due, late, uncontrolled, breach) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_term_cells (bucket, due, late, uncontrolled, breach, n)
    SELECT substr(d.day, 1, l.len),
        CASE WHEN NEW.status NOT IN ('answered', 'forwarded', 'returned', 'not_considered') THEN date(NEW.due_date) ELSE '' END,
        CASE WHEN NEW.status IN ('answered', 'forwarded', 'returned', 'not_considered') AND NEW.answered_at > NEW.due_date
            AND date(NEW.answered_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.answered_at ORDER BY since DESC LIMIT 1) || ' seconds') > date(NEW.due_date) THEN 1 ELSE 0 END,
        CAST(NEW.uncontrolled AS INTEGER), CAST(NEW.term_breach AS INTEGER), 1
    FROM (SELECT date(NEW.received_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, due, late, uncontrolled, breach) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_author_cells (bucket, gender, social_status, department, categories, n)
    SELECT substr(d.day, 1, l.len), OLD.author_gender, OLD.author_social_status,
        COALESCE(CAST(OLD.department_id AS TEXT), ''), OLD.author_categories, -1
    FROM (SELECT date(OLD.received_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, gender, social_status, department, categories) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_author_cells (bucket, gender, social_status, department, categories, n)
    SELECT substr(d.day, 1, l.len), NEW.author_gender, NEW.author_social_status,
        COALESCE(CAST(NEW.department_id AS TEXT), ''), NEW.author_categories, 1
    FROM (SELECT date(NEW.received_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, gender, social_status, department, categories) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 1, '', -1
    FROM (SELECT date(OLD.received_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l
    WHERE NOT EXISTS (SELECT 1 FROM appeal_questions q WHERE q.appeal_id = OLD.id)
        AND OLD.received_at IS NOT NEW.received_at
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 1, '', 1
    FROM (SELECT date(NEW.received_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l
    WHERE NOT EXISTS (SELECT 1 FROM appeal_questions q WHERE q.appeal_id = NEW.id)
        AND OLD.received_at IS NOT NEW.received_at
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 0, q.subject_code, -1
    FROM appeal_questions AS q, (SELECT date(OLD.received_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l
    WHERE q.appeal_id = OLD.id
        AND OLD.received_at IS NOT NEW.received_at
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 0, q.subject_code, 1
    FROM appeal_questions AS q, (SELECT date(NEW.received_at, (SELECT seconds FROM report_offsets WHERE since <= NEW.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l
    WHERE q.appeal_id = NEW.id
        AND OLD.received_at IS NOT NEW.received_at
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER report_appeals_deleting BEFORE DELETE ON appeals
BEGIN
    DELETE FROM appeal_questions WHERE appeal_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER report_appeals_deleted AFTER DELETE ON appeals
WHEN EXISTS (SELECT 1 FROM report_zone)
BEGIN
    INSERT INTO report_appeal_cells (bucket, channel, type, nature, sign, priority, result, settlement, n, signers)
    SELECT substr(d.day, 1, l.len), OLD.channel, OLD.type, OLD.nature, OLD.sign, CAST(OLD.priority AS INTEGER), OLD.result,
        COALESCE(CAST(OLD.settlement_id AS TEXT), ''), -1, -1 * OLD.signers
    FROM (SELECT date(OLD.received_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, channel, type, nature, sign, priority, result, settlement)
    DO UPDATE SET n = n + excluded.n, signers = signers + excluded.signers;
    INSERT INTO report_term_cells (bucket, due, late, uncontrolled, breach, n)
    SELECT substr(d.day, 1, l.len),
        CASE WHEN OLD.status NOT IN ('answered', 'forwarded', 'returned', 'not_considered') THEN date(OLD.due_date) ELSE '' END,
        CASE WHEN OLD.status IN ('answered', 'forwarded', 'returned', 'not_considered') AND OLD.answered_at > OLD.due_date
            AND date(OLD.answered_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.answered_at ORDER BY since DESC LIMIT 1) || ' seconds') > date(OLD.due_date) THEN 1 ELSE 0 END,
        CAST(OLD.uncontrolled AS INTEGER), CAST(OLD.term_breach AS INTEGER), -1
    FROM (SELECT date(OLD.received_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, due, late, uncontrolled, breach) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_author_cells (bucket, gender, social_status, department, categories, n)
    SELECT substr(d.day, 1, l.len), OLD.author_gender, OLD.author_social_status,
        COALESCE(CAST(OLD.department_id AS TEXT), ''), OLD.author_categories, -1
    FROM (SELECT date(OLD.received_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, gender, social_status, department, categories) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 1, '', -1
    FROM (SELECT date(OLD.received_at, (SELECT seconds FROM report_offsets WHERE since <= OLD.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l
    WHERE NOT EXISTS (SELECT 1 FROM appeal_questions q WHERE q.appeal_id = OLD.id)
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER report_questions_inserted AFTER INSERT ON appeal_questions
WHEN EXISTS (SELECT 1 FROM report_zone)
BEGIN
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 0, NEW.subject_code, 1
    FROM (SELECT date(a.received_at, (SELECT seconds FROM report_offsets WHERE since <= a.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day FROM appeals AS a WHERE a.id = NEW.appeal_id) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 1, '', -1
    FROM (SELECT date(a.received_at, (SELECT seconds FROM report_offsets WHERE since <= a.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day FROM appeals AS a WHERE a.id = NEW.appeal_id) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l
    WHERE (SELECT count(*) FROM appeal_questions q WHERE q.appeal_id = NEW.appeal_id) = 1
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER report_questions_updated AFTER UPDATE OF appeal_id, subject_code ON appeal_questions
WHEN EXISTS (SELECT 1 FROM report_zone)
    AND (OLD.appeal_id, OLD.subject_code) IS NOT (NEW.appeal_id, NEW.subject_code)
BEGIN
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 0, OLD.subject_code, -1
    FROM (SELECT date(a.received_at, (SELECT seconds FROM report_offsets WHERE since <= a.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day FROM appeals AS a WHERE a.id = OLD.appeal_id) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 0, NEW.subject_code, 1
    FROM (SELECT date(a.received_at, (SELECT seconds FROM report_offsets WHERE since <= a.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day FROM appeals AS a WHERE a.id = NEW.appeal_id) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 1, '', 1
    FROM (SELECT date(a.received_at, (SELECT seconds FROM report_offsets WHERE since <= a.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day FROM appeals AS a WHERE a.id = OLD.appeal_id) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l
    WHERE (SELECT count(*) FROM appeal_questions q WHERE q.appeal_id = OLD.appeal_id) = 0 AND OLD.appeal_id IS NOT NEW.appeal_id
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 1, '', -1
    FROM (SELECT date(a.received_at, (SELECT seconds FROM report_offsets WHERE since <= a.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day FROM appeals AS a WHERE a.id = NEW.appeal_id) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l
    WHERE (SELECT count(*) FROM appeal_questions q WHERE q.appeal_id = NEW.appeal_id) = 1 AND OLD.appeal_id IS NOT NEW.appeal_id
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER report_questions_deleted AFTER DELETE ON appeal_questions
WHEN EXISTS (SELECT 1 FROM report_zone)
BEGIN
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 0, OLD.subject_code, -1
    FROM (SELECT date(a.received_at, (SELECT seconds FROM report_offsets WHERE since <= a.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day FROM appeals AS a WHERE a.id = OLD.appeal_id) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_subject_cells (bucket, bare, code, n)
    SELECT substr(d.day, 1, l.len), 1, '', 1
    FROM (SELECT date(a.received_at, (SELECT seconds FROM report_offsets WHERE since <= a.received_at ORDER BY since DESC LIMIT 1) || ' seconds') AS day FROM appeals AS a WHERE a.id = OLD.appeal_id) AS d, (SELECT 4 AS len UNION ALL SELECT 7) AS l
    WHERE (SELECT count(*) FROM appeal_questions q WHERE q.appeal_id = OLD.appeal_id) = 0
    ON CONFLICT (bucket, bare, code) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER report_questions_deleted;
DROP TRIGGER report_questions_updated;
DROP TRIGGER report_questions_inserted;
DROP TRIGGER report_appeals_deleted;
DROP TRIGGER report_appeals_deleting;
DROP TRIGGER report_appeals_updated;
DROP TRIGGER report_appeals_inserted;
DROP TABLE report_subject_cells;
DROP TABLE report_author_cells;
DROP TABLE report_term_cells;
DROP TABLE report_appeal_cells;
DROP TABLE report_offsets;
DROP TABLE report_zone;
