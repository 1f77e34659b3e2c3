-- Registry detail: member attributes, search keys, income, assets,
-- expenditure, bank account, enrolments and the change history. Every
-- table carries the county code (Citus distribution column).

ALTER TABLE households ADD COLUMN bank_name TEXT NOT NULL DEFAULT '';
ALTER TABLE households ADD COLUMN bank_account TEXT NOT NULL DEFAULT '';
ALTER TABLE households ADD COLUMN bank_holder TEXT NOT NULL DEFAULT '';

ALTER TABLE persons ADD COLUMN internal_key TEXT;
ALTER TABLE persons ADD COLUMN name_py TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN name_abbr TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN ethnicity TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN marital TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN disability_category TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN disability_grade INTEGER NOT NULL DEFAULT 0 CHECK (disability_grade BETWEEN 0 AND 4);
ALTER TABLE persons ADD COLUMN disability_cert TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN self_care INTEGER NOT NULL DEFAULT 0 CHECK (self_care BETWEEN 0 AND 63);
ALTER TABLE persons ADD COLUMN labour TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN serious_illness TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN education TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN employment TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN excluded TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN death_date TEXT;

-- Partial indexes where most rows have no value: smaller, and cheaper to
-- maintain during bulk loads.
CREATE UNIQUE INDEX persons_internal_key ON persons (internal_key) WHERE internal_key IS NOT NULL;
CREATE INDEX persons_name_py ON persons (name_py);
CREATE INDEX persons_name_abbr ON persons (name_abbr);
CREATE INDEX persons_phone ON persons (phone) WHERE phone <> '';

CREATE TABLE income_items (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id),
    person_id    INTEGER REFERENCES persons (id),
    county       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    per          TEXT NOT NULL CHECK (per IN ('month', 'year')),
    source       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX income_items_household ON income_items (household_id);

CREATE TABLE assets (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id),
    person_id    INTEGER REFERENCES persons (id),
    county       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    value        INTEGER NOT NULL DEFAULT 0 CHECK (value >= 0),
    vehicle_type TEXT NOT NULL DEFAULT '',
    area         INTEGER NOT NULL DEFAULT 0,
    reg_no       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assets_household ON assets (household_id);

CREATE TABLE expenditures (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id),
    county       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    per          TEXT NOT NULL CHECK (per IN ('month', 'year')),
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX expenditures_household ON expenditures (household_id);

CREATE TABLE enrolments (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id),
    person_id    INTEGER REFERENCES persons (id),
    county       TEXT NOT NULL,
    programme    TEXT NOT NULL,
    tier         TEXT NOT NULL DEFAULT '',
    setting      TEXT NOT NULL DEFAULT '',
    since        TEXT NOT NULL,
    until        TEXT
);
CREATE INDEX enrolments_household ON enrolments (household_id);
CREATE INDEX enrolments_county_programme ON enrolments (county, programme);

CREATE TABLE household_changes (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id),
    county       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    at           TIMESTAMP NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX household_changes_household ON household_changes (household_id, version);
