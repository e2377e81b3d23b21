-- +goose Up
-- PostgreSQL gets a trigram index for the staff search here. SQLite has none to give: its search reads
-- search_text (LIKE), which for the embedded default's registry is quick enough. The number keeps both
-- dialects in step.
SELECT 1;

-- +goose Down
SELECT 1;
