-- +goose Up
-- Routing, deadlines, replies and the audit log of the staff area.

-- Appeals that need no extra study are due in 15 days instead of 30 (Art. 20).
ALTER TABLE appeals ADD COLUMN simple BOOLEAN NOT NULL DEFAULT FALSE;
-- The head's resolution and who wrote it; the executor named within the lead department, if any.
ALTER TABLE appeals ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
ALTER TABLE appeals ADD COLUMN resolution_by BIGINT REFERENCES persons (id);
ALTER TABLE appeals ADD COLUMN executor_id BIGINT REFERENCES persons (id);
-- The competent body an appeal was forwarded to.
ALTER TABLE appeals ADD COLUMN forwarded_to TEXT NOT NULL DEFAULT '';
-- The answer's outgoing number and who removed the appeal from control.
ALTER TABLE appeals ADD COLUMN answer_out_number TEXT NOT NULL DEFAULT '';
ALTER TABLE appeals ADD COLUMN closed_by BIGINT REFERENCES persons (id);
-- A repeat or duplicate appeal points at the earlier one.
ALTER TABLE appeals ADD COLUMN related_appeal_id BIGINT REFERENCES appeals (id);
-- The last deadline reminder sent to the executors, in days before the due date (5, then 1); cleared
-- when the due date moves.
ALTER TABLE appeals ADD COLUMN reminded_days INTEGER;
CREATE INDEX appeals_executor ON appeals (executor_id);
CREATE INDEX appeals_status_due ON appeals (status, due_date);

-- Co-executors: departments that help the lead one.
CREATE TABLE appeal_co_executors (
    appeal_id     BIGINT NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
    department_id BIGINT NOT NULL REFERENCES departments (id),
    PRIMARY KEY (appeal_id, department_id)
);

-- Replies: the executor drafts, the head approves or sends back. Only an approved reply reaches the author.
CREATE TABLE appeal_replies (
    id                 BIGSERIAL PRIMARY KEY,
    appeal_id          BIGINT NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
    author_person_id   BIGINT NOT NULL REFERENCES persons (id),
    text               TEXT NOT NULL,
    out_number         TEXT NOT NULL DEFAULT '',
    state              TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'sent_back')),
    review_note        TEXT NOT NULL DEFAULT '',
    reviewer_person_id BIGINT REFERENCES persons (id),
    created_at         TIMESTAMPTZ NOT NULL,
    reviewed_at        TIMESTAMPTZ
);
CREATE INDEX appeal_replies_appeal ON appeal_replies (appeal_id, created_at);

-- The result the reply gives each question (classifier 9.x).
CREATE TABLE appeal_reply_results (
    reply_id    BIGINT NOT NULL REFERENCES appeal_replies (id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES appeal_questions (id) ON DELETE CASCADE,
    result      TEXT NOT NULL,
    PRIMARY KEY (reply_id, question_id)
);

-- A reply's attachments live with the appeal's, marked with the reply.
ALTER TABLE appeal_attachments ADD COLUMN reply_id BIGINT REFERENCES appeal_replies (id);

-- The department a staff member works in (executors and heads of departments).
CREATE TABLE staff_departments (
    person_id     BIGINT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    department_id BIGINT NOT NULL REFERENCES departments (id)
);
CREATE INDEX staff_departments_department ON staff_departments (department_id);

-- Who did what, when and from where: every change and every opening of a card with personal data.
-- Append-only: the application has no update or delete path, and the database refuses both.
CREATE TABLE audit_log (
    id              BIGSERIAL PRIMARY KEY,
    occurred_at     TIMESTAMPTZ NOT NULL,
    actor_person_id BIGINT REFERENCES persons (id),
    ip              TEXT NOT NULL DEFAULT '',
    action          TEXT NOT NULL,
    object_type     TEXT NOT NULL DEFAULT '',
    object_id       BIGINT,
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_occurred ON audit_log (occurred_at);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_actor ON audit_log (actor_person_id, occurred_at);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE staff_departments;
ALTER TABLE appeal_attachments DROP COLUMN reply_id;
DROP TABLE appeal_reply_results;
DROP TABLE appeal_replies;
DROP TABLE appeal_co_executors;
DROP INDEX appeals_status_due;
DROP INDEX appeals_executor;
ALTER TABLE appeals DROP COLUMN reminded_days;
ALTER TABLE appeals DROP COLUMN related_appeal_id;
ALTER TABLE appeals DROP COLUMN closed_by;
ALTER TABLE appeals DROP COLUMN answer_out_number;
ALTER TABLE appeals DROP COLUMN forwarded_to;
ALTER TABLE appeals DROP COLUMN executor_id;
ALTER TABLE appeals DROP COLUMN resolution_by;
ALTER TABLE appeals DROP COLUMN resolution;
ALTER TABLE appeals DROP COLUMN simple;
