-- Policy data: the versions a province administrator publishes on top of
-- the defaults embedded in the binary, and the working-day calendar's
-- holidays and make-up working days loaded on top of the embedded one.
-- Both tables are small and read whole at start-up; they are reference
-- tables (replicated, not distributed, on Citus).

-- A version is never changed or deleted once published: calculations and
-- decisions record the region and effective date of the version they used,
-- and that pair must keep naming the same numbers. Dates are ISO text
-- 'YYYY-MM-DD' on both engines.
CREATE TABLE policy_versions (
    id              INTEGER PRIMARY KEY,
    region          TEXT NOT NULL CHECK (length(region) = 12),
    effective       TEXT NOT NULL CHECK (length(effective) = 10),
    until_date      TEXT CHECK (until_date IS NULL OR (length(until_date) = 10 AND until_date > effective)),
    params_json     TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    unverified_json TEXT NOT NULL DEFAULT '[]',
    published_by    TEXT NOT NULL,
    published_at    TIMESTAMP NOT NULL,
    UNIQUE (region, effective)
);

-- One row per date: a day off inside an official break, or a make-up
-- working day. A row overrides the embedded calendar's entry for its date.
CREATE TABLE calendar_days (
    date       TEXT PRIMARY KEY CHECK (length(date) = 10),
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
