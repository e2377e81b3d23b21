-- +goose Up
-- Placeholder: filled by the work on issue 13 that owns this number.
SELECT 1;

-- +goose Down
SELECT 1;
