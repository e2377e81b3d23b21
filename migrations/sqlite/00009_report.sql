-- +goose Up
-- The report (internal/report) reads every appeal received in a period and the subjects of its
-- questions. These indexes hold every column it reads, so SQLite answers it from the index alone
-- instead of looking up each wide appeals row (summary, answer text, search text) by rowid.
-- appeals_report leads with received_at, so it serves every query appeals_received_at served (staff
-- lists by date, date filters) and replaces it.
CREATE INDEX appeals_report ON appeals (received_at, channel, type, nature, sign, result, priority, status,
    due_date, answered_at, signers, author_gender, author_social_status, department_id, author_categories);
DROP INDEX appeals_received_at;
CREATE INDEX appeal_questions_report ON appeal_questions (appeal_id, subject_code);

-- +goose Down
DROP INDEX appeal_questions_report;
CREATE INDEX appeals_received_at ON appeals (received_at);
DROP INDEX appeals_report;
