-- +goose Up
-- The council's executive bodies (departments, services) that appeals are sent to.
CREATE TABLE departments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name_uk    TEXT NOT NULL UNIQUE,
    name_en    TEXT NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT 1,
    created_at DATETIME NOT NULL
);

-- The lead executor of an appeal; empty until the appeal is routed.
ALTER TABLE appeals ADD COLUMN department_id INTEGER REFERENCES departments (id);
CREATE INDEX appeals_department ON appeals (department_id);
CREATE INDEX appeals_due_date ON appeals (due_date);

-- What staff search: the index, the author's name and the summary, lower-cased by the application
-- (SQLite's LOWER only knows ASCII, so rows written before this migration match Latin text only
-- until they are next saved), so one LIKE works the same on both databases.
ALTER TABLE appeals ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE appeals SET search_text = LOWER(reg_index || ' ' || author_last_name || ' ' || author_first_name || ' ' ||
    author_patronymic || ' ' || summary);

-- +goose Down
ALTER TABLE appeals DROP COLUMN search_text;
DROP INDEX appeals_due_date;
DROP INDEX appeals_department;
ALTER TABLE appeals DROP COLUMN department_id;
DROP TABLE departments;
