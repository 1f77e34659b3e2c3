-- Household economic-status verification, the case half: signed
-- authorizations (授权承诺书), which sources each county has connected,
-- the verification requests and the centre's queue, the paper replies of
-- manual comparison (手工比对), and the stored reports. county (12 digits)
-- is the distribution column on Citus, as in every large table; the
-- connections table is small and becomes a reference table.
CREATE TABLE verification_authorizations (
    id           BIGINT PRIMARY KEY,
    county       TEXT NOT NULL,
    household_id BIGINT NOT NULL,
    person_id    BIGINT NOT NULL,
    id_number    TEXT NOT NULL,
    name         TEXT NOT NULL,
    signed_on    TEXT NOT NULL CHECK (length(signed_on) = 10),
    document     TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX verification_authorizations_household ON verification_authorizations (county, household_id);

-- A source is connected (online) in a county unless a row says otherwise.
CREATE TABLE verification_connections (
    county     TEXT NOT NULL,
    source     TEXT NOT NULL,
    connected  INTEGER NOT NULL CHECK (connected IN (0, 1)),
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (county, source)
);

CREATE TABLE verification_requests (
    id           BIGINT PRIMARY KEY,
    county       TEXT NOT NULL,
    village      TEXT NOT NULL,
    household_id BIGINT NOT NULL,
    head_name    TEXT NOT NULL,
    case_id      BIGINT,
    tracking     TEXT NOT NULL,
    as_of        TEXT NOT NULL CHECK (length(as_of) = 10),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'done')),
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    report_id    BIGINT,
    completed_by TEXT NOT NULL,
    completed_at TIMESTAMPTZ,
    note         TEXT NOT NULL
);
-- The centre's queue: a county's pending requests, oldest first.
CREATE INDEX verification_requests_queue ON verification_requests (county, status, requested_at);
CREATE INDEX verification_requests_case ON verification_requests (case_id);

CREATE TABLE verification_replies (
    id          BIGINT PRIMARY KEY,
    county      TEXT NOT NULL,
    request_id  BIGINT NOT NULL REFERENCES verification_requests (id),
    id_number   TEXT NOT NULL,
    source      TEXT NOT NULL,
    found       INTEGER NOT NULL CHECK (found IN (0, 1)),
    kind        TEXT NOT NULL,
    value       BIGINT NOT NULL,
    area        BIGINT NOT NULL,
    ref         TEXT NOT NULL,
    detail      TEXT NOT NULL,
    reply_date  TEXT NOT NULL CHECK (length(reply_date) = 10),
    document    TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX verification_replies_request ON verification_replies (request_id);

-- A report is kept whole: reasons, members with their findings, and the
-- sources' status as JSON beside the columns lists filter on.
CREATE TABLE verification_reports (
    id           BIGINT PRIMARY KEY,
    county       TEXT NOT NULL,
    village      TEXT NOT NULL,
    household_id BIGINT NOT NULL,
    request_id   BIGINT,
    tracking     TEXT NOT NULL,
    as_of        TEXT NOT NULL CHECK (length(as_of) = 10),
    verdict      TEXT NOT NULL CHECK (verdict IN ('meets', 'not_meets', 'needs_check')),
    policy       TEXT NOT NULL,
    reasons      TEXT NOT NULL,
    members      TEXT NOT NULL,
    sources      TEXT NOT NULL,
    note         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX verification_reports_household ON verification_reports (county, household_id);
