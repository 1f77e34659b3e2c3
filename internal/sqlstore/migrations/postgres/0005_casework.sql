-- Casework: one-window intake and the case workflow.
--
-- A case is stored whole as JSON in data (the aggregate the domain acts
-- on: steps, visits, verifications, notices, decision…), with the columns
-- that lists, searches and the supervisors' board filter on copied out of
-- it. Only sqlstore writes data; the columns are rewritten with it on
-- every save, so the two never disagree. county is the distribution
-- column on Citus, as in every large table.
CREATE TABLE cases (
    id           BIGINT PRIMARY KEY,
    county       TEXT NOT NULL,
    township     TEXT NOT NULL,
    village      TEXT NOT NULL,
    tracking     TEXT NOT NULL UNIQUE,
    programme    TEXT NOT NULL,
    flow         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'declined', 'withdrawn', 'investigating',
        'verifying', 'reviewed', 'noticing', 'appraising', 'reported', 'county_noticing', 'confirmed', 'refused',
        'published', 'paid_pending', 'completed', 'computed', 'paid', 'routed', 'in_progress', 'reported_back')),
    household_id BIGINT REFERENCES households (id),
    applicant_id TEXT,
    department   TEXT NOT NULL,
    -- next_due is the last day of the earliest deadline running on the
    -- case (YYYY-MM-DD), NULL when none runs: the board reads only the
    -- cases due soon through this index.
    next_due     TEXT CHECK (next_due IS NULL OR length(next_due) = 10),
    submitted_at TIMESTAMPTZ NOT NULL,
    accepted_at  TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    data         TEXT NOT NULL
);
CREATE INDEX cases_county_status ON cases (county, status);
CREATE INDEX cases_township ON cases (township);
CREATE INDEX cases_applicant ON cases (applicant_id);
CREATE INDEX cases_household ON cases (household_id);
CREATE INDEX cases_next_due ON cases (next_due);

-- The receipt numbers' daily sequence per township window: the next
-- number is taken with one INSERT … ON CONFLICT DO UPDATE … RETURNING in
-- the intake's transaction, so two windows never get the same number and a
-- rolled-back intake gives its number back.
CREATE TABLE case_sequences (
    township TEXT NOT NULL,
    day      TEXT NOT NULL CHECK (length(day) = 10),
    last     INTEGER NOT NULL CHECK (last >= 1),
    PRIMARY KEY (township, day)
);

-- The 近亲属备案 register: close relatives of staff who handle cases and
-- of village committee members. county is the county the entry was
-- registered in; applications are matched against every entry by the
-- relative's resident ID.
CREATE TABLE staff_relatives (
    id          BIGINT PRIMARY KEY,
    county      TEXT NOT NULL,
    staff_id    TEXT NOT NULL,
    staff_name  TEXT NOT NULL,
    staff_role  TEXT NOT NULL CHECK (staff_role IN ('county_civil_affairs', 'township_caseworker', 'village_committee', 'civil_affairs')),
    relative_id TEXT NOT NULL,
    relation    TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (county, staff_id, relative_id)
);
CREATE INDEX staff_relatives_relative ON staff_relatives (relative_id);
