-- Draft editing: revisions that never repeat, thumbnails stored by the app,
-- and imports waiting for an admin to confirm them.

-- A record's revision comes from this one counter, so a record deleted and made
-- again never reuses a revision that an old form still carries.
CREATE TABLE revision_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO revision_counter (id, value) VALUES (1, (SELECT coalesce(max(revision), 0) FROM record));

-- Images uploaded by admins (video thumbnails), named by their content hash.
CREATE TABLE media (
    name TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT
) WITHOUT ROWID;

-- An uploaded import, validated, waiting for "apply"; applied only if the draft
-- has not changed since the report was made.
CREATE TABLE pending_import (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    created_at REAL NOT NULL,
    base_hash TEXT NOT NULL,
    document TEXT NOT NULL CHECK (json_valid(document)),
    report TEXT NOT NULL CHECK (json_valid(report))
) WITHOUT ROWID;
