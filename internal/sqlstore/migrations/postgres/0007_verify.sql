-- Verification (居民家庭经济状况核对), data and engine: dated snapshots of
-- the department datasets, their records in one narrow table, and the
-- runs of batch re-verification with their results. Every large table
-- carries the 6-digit county code (Citus distribution column).

-- A load of one department file. Snapshots are immutable: a report names
-- the snapshots it read, so it always shows what the data said then.
CREATE TABLE dataset_snapshots (
    id        BIGINT PRIMARY KEY,
    source    TEXT NOT NULL,
    as_of     TEXT NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    row_count BIGINT NOT NULL,
    sha256    TEXT NOT NULL,
    loaded_by TEXT NOT NULL,
    UNIQUE (source, as_of, sha256)
);

-- The records of every source, keyed by the snapshot and the person's
-- resident ID packed to an integer (idcard.Pack, which sorts like the ID,
-- so by county first). The generic columns hold each source's fields
-- (verify.Record). A household's look-up reads a few pages.
--
-- Partitioned by snapshot: a load COPYs into a fresh partition without
-- an index, builds the key once over the loaded rows and attaches the
-- partition, all in one transaction (several times faster than keeping
-- the index up to date row by row). Citus distributes partitioned tables.
CREATE TABLE dataset_records (
    snapshot_id BIGINT NOT NULL,
    county      TEXT NOT NULL,
    pid         BIGINT NOT NULL,
    line        BIGINT NOT NULL,
    ref         TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    date        TEXT NOT NULL DEFAULT '',
    amount      BIGINT NOT NULL DEFAULT 0,
    amount2     BIGINT NOT NULL DEFAULT 0,
    other       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (snapshot_id, pid, line)
) PARTITION BY LIST (snapshot_id);

-- A batch re-verification.
CREATE TABLE verify_runs (
    id          BIGINT PRIMARY KEY,
    region      TEXT NOT NULL,
    engine      TEXT NOT NULL CHECK (engine IN ('memory', 'sql')),
    as_of       TEXT NOT NULL,
    snapshots   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done')),
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    started_by  TEXT NOT NULL
);

-- The counties a run has finished: a resumed run skips them.
CREATE TABLE verify_run_counties (
    run_id     BIGINT NOT NULL REFERENCES verify_runs (id),
    county     TEXT NOT NULL,
    households BIGINT NOT NULL,
    flagged    BIGINT NOT NULL,
    done_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, county)
);

-- The households a run did not find to meet the conditions, with their
-- reasons (JSON). A household of a finished county without a row meets
-- them: storing the 95 % that meet would triple the work of a run.
CREATE TABLE verify_results (
    run_id       BIGINT NOT NULL REFERENCES verify_runs (id),
    county       TEXT NOT NULL,
    household_id BIGINT NOT NULL,
    verdict      TEXT NOT NULL CHECK (verdict IN ('not_meets', 'needs_check')),
    reasons      TEXT NOT NULL,
    PRIMARY KEY (run_id, county, household_id)
);

-- Look-alikes (same name and birth date) for the duplicate rule.
CREATE INDEX persons_name_birth ON persons (name, birth_date);
