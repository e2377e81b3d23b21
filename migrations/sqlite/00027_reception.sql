-- +goose Up
-- Issue 18, personal reception (особистий прийом, Art. 22 of the Law): the officials who receive citizens,
-- their reception days on a published schedule (at the council, or visiting a settlement of the community),
-- each day cut into slots, and the visits — booked online by a signed-in citizen, booked by staff for a
-- caller, or walk-in — whose outcome on the spot becomes an appeal in the registry. Owned by
-- internal/reception.
CREATE TABLE reception_officials (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    position_uk TEXT NOT NULL,
    position_en TEXT NOT NULL DEFAULT '',
    -- The official's staff account, when they have one: the author of the resolutions they give.
    person_id   INTEGER REFERENCES persons (id),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  DATETIME NOT NULL
);

CREATE TABLE reception_days (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    official_id   INTEGER NOT NULL REFERENCES reception_officials (id),
    day           DATE NOT NULL,
    starts_at     DATETIME NOT NULL,
    ends_at       DATETIME NOT NULL CHECK (ends_at > starts_at),
    place         TEXT NOT NULL,
    -- A visiting reception in a settlement of the community; NULL: at the council's own premises.
    settlement_id INTEGER REFERENCES settlements (id),
    cancelled_at  DATETIME,
    cancel_reason TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    UNIQUE (official_id, starts_at)
);
CREATE INDEX reception_days_day ON reception_days (day, starts_at);

-- A slot holds up to capacity visitors; taken counts its live bookings. The CHECK is the guarantee: the
-- booking's conditional UPDATE (taken < capacity) is decided under the row's lock, and a place is never
-- given twice whatever the number of instances.
CREATE TABLE reception_slots (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    day_id    INTEGER NOT NULL REFERENCES reception_days (id),
    starts_at DATETIME NOT NULL,
    capacity  INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 50),
    taken     INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0 AND taken <= capacity),
    UNIQUE (day_id, starts_at)
);

CREATE TABLE reception_visits (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    day_id       INTEGER NOT NULL REFERENCES reception_days (id),
    slot_id      INTEGER REFERENCES reception_slots (id), -- NULL: a walk-in visitor
    person_id    INTEGER REFERENCES persons (id),         -- the citizen's account, when booked online
    booked_by    INTEGER REFERENCES persons (id),         -- the staff member who booked or wrote them in
    last_name    TEXT NOT NULL,
    first_name   TEXT NOT NULL,
    patronymic   TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    subject_code TEXT NOT NULL,
    question     TEXT NOT NULL,
    status       TEXT NOT NULL, -- booked, cancelled, received, absent
    appeal_id    INTEGER REFERENCES appeals (id),
    reminded_at  DATETIME,
    created_at   DATETIME NOT NULL,
    cancelled_at DATETIME,
    received_at  DATETIME
);
-- One live booking per person and reception day.
CREATE UNIQUE INDEX reception_visits_one_a_day ON reception_visits (day_id, person_id)
    WHERE status = 'booked' AND person_id IS NOT NULL;
CREATE INDEX reception_visits_person ON reception_visits (person_id, status);
CREATE INDEX reception_visits_day ON reception_visits (day_id, status);

-- +goose Down
DROP TABLE reception_visits;
DROP TABLE reception_slots;
DROP TABLE reception_days;
DROP TABLE reception_officials;
