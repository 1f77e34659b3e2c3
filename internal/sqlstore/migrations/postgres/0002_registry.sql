-- Registry core: households and persons. county is the 6-digit prefix
-- padded to 12 digits; every large table carries it (Citus distribution).

CREATE TABLE households (
    id         BIGINT PRIMARY KEY,
    county     TEXT NOT NULL,
    village    TEXT NOT NULL REFERENCES divisions (code),
    area       TEXT NOT NULL CHECK (area IN ('urban', 'rural')),
    address    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX households_county ON households (county);
CREATE INDEX households_village ON households (village);

CREATE TABLE persons (
    id           BIGINT PRIMARY KEY,
    id_number    TEXT UNIQUE,
    name         TEXT NOT NULL,
    sex          TEXT NOT NULL CHECK (sex IN ('M', 'F', 'U')),
    birth_date   DATE,
    household_id BIGINT REFERENCES households (id),
    county       TEXT NOT NULL,
    relationship TEXT NOT NULL CHECK (relationship IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other')),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX persons_household ON persons (household_id);
