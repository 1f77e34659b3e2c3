-- Funds: budgets, allocations, spending, scores and the incentive pool.
--
-- Money is BIGINT-sized INTEGER fen. Division codes are the 12-digit form.
-- Budgets, allocations, scores and pools are small (hundreds of rows a
-- year for a province): on Citus they are reference tables. Spending
-- carries the county, its distribution column.
CREATE TABLE fund_budgets (
    id          BIGINT PRIMARY KEY,
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    programme   TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('central', 'provincial', 'prefecture', 'county')),
    region      TEXT NOT NULL CHECK (length(region) = 12),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    doc_no      TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX fund_budgets_year_region ON fund_budgets (year, region);

CREATE TABLE fund_allocations (
    id          BIGINT PRIMARY KEY,
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    programme   TEXT NOT NULL,
    from_region TEXT NOT NULL CHECK (length(from_region) = 12),
    to_region   TEXT NOT NULL CHECK (length(to_region) = 12),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    kind        TEXT NOT NULL CHECK (kind IN ('ordinary', 'incentive', 'work_funds')),
    doc_no      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    pool_id     BIGINT,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    CHECK (from_region <> to_region)
);
CREATE INDEX fund_allocations_from ON fund_allocations (year, from_region);
CREATE INDEX fund_allocations_to ON fund_allocations (year, to_region);

-- Spending from a county's account. ref is the poster's idempotency key:
-- posting the same ref again changes nothing.
CREATE TABLE fund_spending (
    ref        TEXT PRIMARY KEY,
    county     TEXT NOT NULL CHECK (length(county) = 12),
    year       INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    month      TEXT NOT NULL CHECK (length(month) = 7),
    programme  TEXT NOT NULL,
    amount     BIGINT NOT NULL CHECK (amount <> 0),
    source     TEXT NOT NULL CHECK (source IN ('payroll', 'manual')),
    note       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX fund_spending_county ON fund_spending (county, year, programme);

-- One row per account (division, programme, year), updated at the start
-- of a transaction that checks the account's balance: the row lock keeps
-- two allocations from passing the check together (PostgreSQL; SQLite has
-- one writer anyway).
CREATE TABLE fund_locks (
    region    TEXT NOT NULL,
    programme TEXT NOT NULL,
    year      INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (region, programme, year)
);

-- Performance scores (tenths of a point) and entered caseloads (NULL: the
-- registry's count applies) per county and year, for the incentive pool.
CREATE TABLE fund_scores (
    year       INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    county     TEXT NOT NULL CHECK (length(county) = 12),
    score      INTEGER NOT NULL CHECK (score BETWEEN 0 AND 1000),
    caseload   BIGINT CHECK (caseload IS NULL OR caseload >= 0),
    note       TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (year, county)
);

-- A committed incentive pool: its parameters and every county's inputs
-- and shares as JSON (data), the allocations it made point to it.
CREATE TABLE fund_pools (
    id         BIGINT PRIMARY KEY,
    province   TEXT NOT NULL,
    year       INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    base       BIGINT NOT NULL,
    total      BIGINT NOT NULL,
    work_funds BIGINT NOT NULL,
    data       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (province, year)
);
