-- +goose Up
-- Roles of staff members. A person without a row here is a citizen.
CREATE TABLE staff_roles (
    person_id  BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('registrar', 'executor', 'head', 'moderator', 'analyst', 'admin')),
    granted_at TIMESTAMPTZ NOT NULL,
    granted_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (person_id, role)
);

-- +goose Down
DROP TABLE staff_roles;
