-- +goose Up
-- Issue 15, item 3: reports that do not grow with the registry. The report sums cells instead of reading
-- every appeal of the period: per council month ('2024-03') and per council year ('2024'), the appeals
-- alike in every code the report groups by, with their count (n) and their signers. Whole years and whole
-- months of a period are read from here; the days of a period that make no whole month are read live.
--
-- The triggers below keep the cells exact in the transaction of every change to appeals and
-- appeal_questions (registration, import, routing, answer, corrections, deletes): the old rows' cells lose
-- them, the new rows' cells gain them. On PostgreSQL they run once per statement over its transition
-- tables, so the import's 500-row INSERTs update each cell once.
--
-- A council date needs the council's zone, which only the application knows (its configuration):
-- report_zone holds the zone the cells were built in, and internal/report (cells.go) fills it and builds the
-- cells from the live tables when it is empty or another zone — the backfill, on the first report after
-- this migration. Until then the triggers do nothing and reports read the live tables.
CREATE TABLE report_zone (
    name TEXT PRIMARY KEY
);
-- The zone's UTC offsets from each instant on (SQLite's triggers need them; PostgreSQL converts with the
-- zone's name). Written with report_zone.
CREATE TABLE report_offsets (
    since   TIMESTAMPTZ PRIMARY KEY,
    seconds INTEGER NOT NULL
);

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
    n          BIGINT NOT NULL,
    signers    BIGINT NOT NULL,
    PRIMARY KEY (bucket, channel, type, nature, sign, priority, result, settlement)
);
-- What "overdue" and "term_breaches" need, which depend on today: due is the due date (YYYY-MM-DD) of an
-- appeal not closed ('' when closed), late is 1 for a closed appeal answered on a council date after its
-- due date.
CREATE TABLE report_term_cells (
    bucket       TEXT NOT NULL,
    due          TEXT NOT NULL,
    late         INTEGER NOT NULL,
    uncontrolled INTEGER NOT NULL,
    breach       INTEGER NOT NULL,
    n            BIGINT NOT NULL,
    PRIMARY KEY (bucket, due, late, uncontrolled, breach)
);
CREATE TABLE report_author_cells (
    bucket        TEXT NOT NULL,
    gender        TEXT NOT NULL,
    social_status TEXT NOT NULL,
    department    TEXT NOT NULL,
    categories    TEXT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (bucket, gender, social_status, department, categories)
);
-- Questions per subject code (bare = 0), and appeals that raise no question (bare = 1, code '').
CREATE TABLE report_subject_cells (
    bucket TEXT NOT NULL,
    bare   INTEGER NOT NULL,
    code   TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (bucket, bare, code)
);

-- The appeals' cells. One statement with four data-modifying parts over the changed rows (s = +1 for a
-- new row, -1 for an old one); an UPDATE counts only the rows whose reported columns changed. The
-- questions move with an appeal whose date of receipt changed; an appeal without questions counts as bare.
-- Both functions run without JIT: their statements handle a few hundred rows at most, but while an import
-- is still in its transaction the planner's estimates on appeal_questions are far off, and compiling each
-- statement cost 60 ms, more than running it (auto_explain during bench/import).
-- +goose StatementBegin
CREATE FUNCTION report_appeals_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    zone TEXT;
    changed CONSTANT TEXT := '(o.received_at, o.channel, o.type, o.nature, o.sign, o.priority, o.result,
        o.settlement_id, o.signers, o.status, o.due_date, o.answered_at, o.uncontrolled, o.term_breach,
        o.author_gender, o.author_social_status, o.department_id, o.author_categories)
        IS DISTINCT FROM (n.received_at, n.channel, n.type, n.nature, n.sign, n.priority, n.result,
        n.settlement_id, n.signers, n.status, n.due_date, n.answered_at, n.uncontrolled, n.term_breach,
        n.author_gender, n.author_social_status, n.department_id, n.author_categories)';
    src TEXT;
    moves TEXT := '';
BEGIN
    SELECT name INTO zone FROM report_zone;
    IF zone IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        src := 'SELECT 1 AS s, n.* FROM new_rows n';
    ELSIF TG_OP = 'DELETE' THEN
        src := 'SELECT -1 AS s, o.* FROM old_rows o';
    ELSE
        src := format('SELECT 1 AS s, n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE %1$s
            UNION ALL SELECT -1 AS s, o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE %1$s', changed);
        moves := 'UNION ALL SELECT d.month, 0, q.subject_code, d.s FROM d JOIN appeal_questions q ON q.appeal_id = d.id';
    END IF;
    -- Each row's month and terms are computed once (the zone conversion is the costly part), the rows
    -- summed per month, and only those sums spread to the month's and the year's cells.
    EXECUTE format($q$
        WITH d AS (
            SELECT r.s, r.id, r.signers, r.channel, r.type, r.nature, r.sign, CAST(r.priority AS INTEGER) AS priority,
                r.result, COALESCE(CAST(r.settlement_id AS TEXT), '') AS settlement,
                to_char(r.received_at AT TIME ZONE $1, 'YYYY-MM') AS month,
                CASE WHEN r.status NOT IN ('answered', 'forwarded', 'returned', 'not_considered') THEN to_char(r.due_date, 'YYYY-MM-DD') ELSE '' END AS due,
                CASE WHEN r.status IN ('answered', 'forwarded', 'returned', 'not_considered') AND r.answered_at > r.due_date
                    AND CAST(r.answered_at AT TIME ZONE $1 AS date) > r.due_date THEN 1 ELSE 0 END AS late,
                CAST(r.uncontrolled AS INTEGER) AS uncontrolled, CAST(r.term_breach AS INTEGER) AS breach,
                r.author_gender, r.author_social_status, COALESCE(CAST(r.department_id AS TEXT), '') AS department,
                r.author_categories
            FROM (%s) AS r
        ), l (len) AS (
            VALUES (4), (7)
        ), codes AS (
            INSERT INTO report_appeal_cells AS c (bucket, channel, type, nature, sign, priority, result, settlement, n, signers)
            SELECT left(g.month, l.len), channel, type, nature, sign, priority, result, settlement, SUM(n), SUM(signers)
            FROM (SELECT month, channel, type, nature, sign, priority, result, settlement, SUM(s) AS n, SUM(s * signers) AS signers
                FROM d GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) AS g, l
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING SUM(n) <> 0 OR SUM(signers) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
            ON CONFLICT (bucket, channel, type, nature, sign, priority, result, settlement)
            DO UPDATE SET n = c.n + excluded.n, signers = c.signers + excluded.signers
        ), terms AS (
            INSERT INTO report_term_cells AS c (bucket, due, late, uncontrolled, breach, n)
            SELECT left(g.month, l.len), due, late, uncontrolled, breach, SUM(n)
            FROM (SELECT month, due, late, uncontrolled, breach, SUM(s) AS n FROM d GROUP BY 1, 2, 3, 4, 5) AS g, l
            GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT (bucket, due, late, uncontrolled, breach) DO UPDATE SET n = c.n + excluded.n
        ), authors AS (
            INSERT INTO report_author_cells AS c (bucket, gender, social_status, department, categories, n)
            SELECT left(g.month, l.len), author_gender, author_social_status, department, author_categories, SUM(n)
            FROM (SELECT month, author_gender, author_social_status, department, author_categories, SUM(s) AS n
                FROM d GROUP BY 1, 2, 3, 4, 5) AS g, l
            GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT (bucket, gender, social_status, department, categories) DO UPDATE SET n = c.n + excluded.n
        )
        INSERT INTO report_subject_cells AS c (bucket, bare, code, n)
        SELECT left(g.month, l.len), bare, code, SUM(n)
        FROM (SELECT month, bare, code, SUM(s) AS n FROM (
            SELECT d.month, 1 AS bare, '' AS code, d.s FROM d
            WHERE NOT EXISTS (SELECT 1 FROM appeal_questions q WHERE q.appeal_id = d.id)
            %s
        ) AS x GROUP BY 1, 2, 3) AS g, l
        GROUP BY 1, 2, 3 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (bucket, bare, code) DO UPDATE SET n = c.n + excluded.n
    $q$, src, moves) USING zone;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- The questions' cells, at the date of receipt of their appeal. An appeal whose questions went from none
-- to some leaves the bare cell, one whose last question went returns to it (after: its questions now,
-- after - s: before the statement).
-- +goose StatementBegin
CREATE FUNCTION report_questions_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    zone TEXT;
    changed CONSTANT TEXT := '(o.appeal_id, o.subject_code) IS DISTINCT FROM (n.appeal_id, n.subject_code)';
    src TEXT;
BEGIN
    SELECT name INTO zone FROM report_zone;
    IF zone IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        src := 'SELECT 1 AS s, n.appeal_id, n.subject_code FROM new_rows n';
    ELSIF TG_OP = 'DELETE' THEN
        src := 'SELECT -1 AS s, o.appeal_id, o.subject_code FROM old_rows o';
    ELSE
        src := format('SELECT 1 AS s, n.appeal_id, n.subject_code FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE %1$s
            UNION ALL SELECT -1 AS s, o.appeal_id, o.subject_code FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE %1$s', changed);
    END IF;
    EXECUTE format($q$
        WITH r AS (
            -- A lookup by id per question, not a join: the planner hashed the whole of appeals for it.
            SELECT r.s, r.appeal_id, r.subject_code, (SELECT to_char(a.received_at AT TIME ZONE $1, 'YYYY-MM')
                FROM appeals a WHERE a.id = r.appeal_id) AS day
            FROM (%s) AS r
        ), d AS (
            SELECT * FROM r WHERE day IS NOT NULL
        ), per AS (
            SELECT appeal_id, day, SUM(s) AS s FROM d GROUP BY appeal_id, day
        ), bare AS (
            SELECT per.day, CASE WHEN c.after = 0 THEN 1 ELSE 0 END - CASE WHEN c.after - per.s = 0 THEN 1 ELSE 0 END AS s
            FROM per, LATERAL (SELECT count(*) AS after FROM appeal_questions q WHERE q.appeal_id = per.appeal_id) AS c
        ), x AS (
            SELECT day, 0 AS bare, subject_code AS code, s FROM d
            UNION ALL SELECT day, 1, '', s FROM bare
        )
        INSERT INTO report_subject_cells AS c (bucket, bare, code, n)
        SELECT left(x.day, l.len), x.bare, x.code, SUM(x.s) FROM x, (VALUES (4), (7)) AS l (len)
        GROUP BY 1, 2, 3 HAVING SUM(x.s) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (bucket, bare, code) DO UPDATE SET n = c.n + excluded.n
    $q$, src) USING zone;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- An appeal's questions go before it (as ON DELETE CASCADE would after it), so that their cells still find
-- its date of receipt.
-- +goose StatementBegin
CREATE FUNCTION report_appeal_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM appeal_questions WHERE appeal_id = OLD.id;
    RETURN OLD;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER report_appeals_inserted AFTER INSERT ON appeals REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_appeals_changed();
CREATE TRIGGER report_appeals_updated AFTER UPDATE ON appeals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_appeals_changed();
CREATE TRIGGER report_appeals_deleted AFTER DELETE ON appeals REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_appeals_changed();
CREATE TRIGGER report_appeals_deleting BEFORE DELETE ON appeals
    FOR EACH ROW EXECUTE FUNCTION report_appeal_deleting();
CREATE TRIGGER report_questions_inserted AFTER INSERT ON appeal_questions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_questions_changed();
CREATE TRIGGER report_questions_updated AFTER UPDATE ON appeal_questions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_questions_changed();
CREATE TRIGGER report_questions_deleted AFTER DELETE ON appeal_questions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_questions_changed();

-- +goose Down
DROP TRIGGER report_questions_deleted ON appeal_questions;
DROP TRIGGER report_questions_updated ON appeal_questions;
DROP TRIGGER report_questions_inserted ON appeal_questions;
DROP TRIGGER report_appeals_deleting ON appeals;
DROP TRIGGER report_appeals_deleted ON appeals;
DROP TRIGGER report_appeals_updated ON appeals;
DROP TRIGGER report_appeals_inserted ON appeals;
DROP FUNCTION report_appeal_deleting();
DROP FUNCTION report_questions_changed();
DROP FUNCTION report_appeals_changed();
DROP TABLE report_subject_cells;
DROP TABLE report_author_cells;
DROP TABLE report_term_cells;
DROP TABLE report_appeal_cells;
DROP TABLE report_offsets;
DROP TABLE report_zone;
