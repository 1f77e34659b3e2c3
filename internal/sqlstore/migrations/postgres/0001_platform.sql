-- Platform: divisions, users and sessions, the audit log.

CREATE TABLE divisions (
    code   TEXT PRIMARY KEY,                 -- 12-digit statistical division code
    name   TEXT NOT NULL,
    parent TEXT REFERENCES divisions (code),
    level  INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    class  TEXT NOT NULL DEFAULT 'unknown' CHECK (class IN ('urban', 'rural', 'unknown'))
);
CREATE INDEX divisions_parent ON divisions (parent);

CREATE TABLE users (
    id            BIGINT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('province_admin', 'prefecture_officer', 'county_approver',
                      'county_verifier', 'township_clerk', 'township_reviewer', 'village_assistant',
                      'department_handler', 'finance_officer', 'auditor')),
    region        TEXT NOT NULL REFERENCES divisions (code),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- Sessions of the web UI, bearer tokens of the API and long-lived tokens of
-- other departments' systems: only a hash of the secret is kept.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL CHECK (kind IN ('web', 'api', 'service')),
    name         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The audit log is append-only and hash-chained: every entry's hash covers
-- its fields and the previous entry's hash. audit_head holds the newest
-- seq and hash; updating it serialises appenders on both engines and lets
-- verification notice a deleted tail.
CREATE TABLE audit_log (
    seq            BIGINT PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    actor_id       BIGINT NOT NULL,
    actor_name     TEXT NOT NULL,
    actor_role     TEXT NOT NULL,
    actor_region   TEXT NOT NULL,
    action         TEXT NOT NULL,
    subject_type   TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    subject_region TEXT NOT NULL,
    before_json    TEXT NOT NULL DEFAULT '',
    after_json     TEXT NOT NULL DEFAULT '',
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);
CREATE INDEX audit_log_actor ON audit_log (actor_name);
CREATE INDEX audit_log_region ON audit_log (subject_region);

CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- Login attempts are throttled per username (lockout in users) and per
-- client address here.
CREATE TABLE login_failures (
    client TEXT NOT NULL,
    at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_client ON login_failures (client, at);
