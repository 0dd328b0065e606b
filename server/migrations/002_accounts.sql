-- Admin accounts, their server-side sessions, one-time links and login throttling.

CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('editor', 'publisher')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    password_changed_at TEXT NOT NULL
);

-- Only a hash of the session id is stored: a copy of the database opens no session.
-- Times are Unix seconds, so timeouts are plain arithmetic.
CREATE TABLE session (
    id_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at REAL NOT NULL,
    seen_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX session_account ON session (account_id);

-- One-time links: the first-admin setup link and invitations.
CREATE TABLE invitation (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('setup', 'invite')),
    username TEXT,
    role TEXT NOT NULL CHECK (role IN ('editor', 'publisher')),
    created_by TEXT,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at REAL
) WITHOUT ROWID;

-- Failed logins per account name and per client address.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure REAL NOT NULL,
    wait_until REAL NOT NULL
) WITHOUT ROWID;
