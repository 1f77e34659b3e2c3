-- Payroll (社会化发放): one row per county and month in payroll_counties
-- (the unit that is computed, checked, approved by the county, exported
-- and reconciled), and one row per payment in payroll_lines.
--
-- A line's key starts with the month (YYYYMM), then a letter for its kind
-- (D dibao household, T 特困 person, R re-issue, A adjustment) and the
-- household, person or re-issued line: the primary key (county, line_key)
-- is therefore also the unique key on (month, programme, household or
-- person), and a month's lines of a county are one range of it. county
-- (12 digits, as in the registry) is the Citus distribution column.
CREATE TABLE payroll_counties (
    month      TEXT NOT NULL CHECK (length(month) = 7),
    county     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('draft', 'checked', 'approved', 'exported', 'reconciled')),
    computed   INTEGER NOT NULL DEFAULT 0 CHECK (computed IN (0, 1)),
    lines      INTEGER NOT NULL DEFAULT 0,
    total      INTEGER NOT NULL DEFAULT 0,
    warnings   TEXT NOT NULL DEFAULT '',
    -- breakdown is the month's totals by programme, kind and tier (JSON),
    -- written with the lines, so that checks need not sum them again.
    breakdown  TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP,
    PRIMARY KEY (month, county)
);
CREATE INDEX payroll_counties_county ON payroll_counties (county, month);

CREATE TABLE payroll_lines (
    county       TEXT NOT NULL,
    line_key     TEXT NOT NULL,
    month        TEXT NOT NULL,
    village      TEXT NOT NULL,
    programme    TEXT NOT NULL CHECK (programme IN ('dibao', 'tekun')),
    kind         TEXT NOT NULL DEFAULT 'regular' CHECK (kind IN ('regular', 'reissue', 'adjustment')),
    household_id INTEGER NOT NULL,
    person_id    INTEGER NOT NULL DEFAULT 0,
    persons      INTEGER NOT NULL,
    tier         TEXT NOT NULL DEFAULT '',
    amount       INTEGER NOT NULL CHECK (amount > 0),
    name         TEXT NOT NULL,
    bank         TEXT NOT NULL DEFAULT '',
    account      TEXT NOT NULL DEFAULT '',
    ref          TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    -- A line's own state is pending or failed (returned by the bank); once
    -- its county's month is exported it counts as exported, or as held
    -- when it has no account, without rewriting every row.
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
    fail_code    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (county, line_key)
) WITHOUT ROWID;
-- Lines that failed or had no account, for a later month's re-issue; and
-- the re-issues by the line they re-issue. Both are small: partial indexes.
CREATE INDEX payroll_lines_unpaid ON payroll_lines (county) WHERE status = 'failed' OR account = '';
CREATE INDEX payroll_lines_ref ON payroll_lines (county, ref) WHERE ref <> '';

-- The registry's members who do not count (excluded or dead): few, so a
-- partial index lets the payroll read them without scanning every person.
CREATE INDEX persons_not_counted ON persons (household_id) WHERE excluded <> '' OR (death_date IS NOT NULL AND death_date <> '');
