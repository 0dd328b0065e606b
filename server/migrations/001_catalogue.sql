-- The draft catalogue, short codes, published versions and their rendered files.

CREATE TABLE record (
    kind TEXT NOT NULL CHECK (kind IN ('site', 'needs', 'organizations', 'services', 'videos', 'collections')),
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    data TEXT NOT NULL CHECK (json_valid(data)),
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- A short code keeps its meaning forever: rows are never updated or deleted.
CREATE TABLE short_code (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER short_code_kept_u BEFORE UPDATE ON short_code
BEGIN SELECT RAISE(ABORT, 'short codes never change meaning'); END;
CREATE TRIGGER short_code_kept_d BEFORE DELETE ON short_code
BEGIN SELECT RAISE(ABORT, 'short codes never change meaning'); END;

CREATE TABLE version (
    id INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT,
    note TEXT,
    rollback_of INTEGER REFERENCES version (id),
    document TEXT NOT NULL CHECK (json_valid(document))
);
CREATE TRIGGER version_immutable_u BEFORE UPDATE ON version
BEGIN SELECT RAISE(ABORT, 'published versions are immutable'); END;
CREATE TRIGGER version_immutable_d BEFORE DELETE ON version
BEGIN SELECT RAISE(ABORT, 'published versions are immutable'); END;

-- Rendered public files, content-addressed so unchanged files are stored once.
CREATE TABLE blob (
    hash TEXT PRIMARY KEY,
    body BLOB NOT NULL,
    gzip BLOB,
    br BLOB
) WITHOUT ROWID;

-- The public site of one version as rendered by one build of the code.
CREATE TABLE site_file (
    version_id INTEGER NOT NULL REFERENCES version (id),
    build TEXT NOT NULL,
    path TEXT NOT NULL,
    content_type TEXT NOT NULL,
    hash TEXT NOT NULL REFERENCES blob (hash),
    status INTEGER NOT NULL DEFAULT 200,
    offline TEXT,
    PRIMARY KEY (version_id, build, path)
) WITHOUT ROWID;
CREATE INDEX site_file_hash ON site_file (hash);

-- QR codes depend only on the text they encode: keep them across publishes.
CREATE TABLE qr_svg (
    text TEXT PRIMARY KEY,
    svg TEXT NOT NULL
) WITHOUT ROWID;
