-- payroll_lines partitioned by month (RANGE on line_key, whose first six
-- characters are the month: a month's lines are [YYYYMM, YYYYMM~)). A
-- month's partition is created by the payroll's first run of the month as
-- a bare table (no index), the counties are copied into it side by side,
-- and the primary key is built once before it is attached: building the
-- index costs far less than keeping it up to date row by row. The
-- primary key (county, line_key) holds the partition key, as it must.
ALTER TABLE payroll_lines RENAME TO payroll_lines_0008;
ALTER INDEX payroll_lines_pkey RENAME TO payroll_lines_0008_pkey;
ALTER INDEX payroll_lines_unpaid RENAME TO payroll_lines_0008_unpaid;
ALTER INDEX payroll_lines_ref RENAME TO payroll_lines_0008_ref;
CREATE TABLE payroll_lines (
    county       TEXT COLLATE "C" NOT NULL,
    line_key     TEXT COLLATE "C" NOT NULL,
    month        TEXT COLLATE "C" NOT NULL,
    village      TEXT NOT NULL,
    programme    TEXT NOT NULL CHECK (programme IN ('dibao', 'tekun')),
    kind         TEXT NOT NULL DEFAULT 'regular' CHECK (kind IN ('regular', 'reissue', 'adjustment')),
    household_id BIGINT NOT NULL,
    person_id    BIGINT NOT NULL DEFAULT 0,
    persons      INTEGER NOT NULL,
    tier         TEXT NOT NULL DEFAULT '',
    amount       BIGINT NOT NULL CHECK (amount > 0),
    name         TEXT NOT NULL,
    bank         TEXT NOT NULL DEFAULT '',
    account      TEXT NOT NULL DEFAULT '',
    ref          TEXT COLLATE "C" NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
    fail_code    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (county, line_key)
) PARTITION BY RANGE (line_key);
CREATE INDEX payroll_lines_unpaid ON payroll_lines (county) WHERE status = 'failed' OR account = '';
CREATE INDEX payroll_lines_ref ON payroll_lines (county, ref) WHERE ref <> '';
-- The months already paid move into partitions of their own.
DO $$
DECLARE m TEXT;
BEGIN
    FOR m IN SELECT DISTINCT substr(line_key, 1, 6) FROM payroll_lines_0008 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF payroll_lines FOR VALUES FROM (%L) TO (%L)',
            'payroll_lines_' || m, m, m || '~');
    END LOOP;
END $$;
INSERT INTO payroll_lines SELECT * FROM payroll_lines_0008;
DROP TABLE payroll_lines_0008;
