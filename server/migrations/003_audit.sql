-- Who did what, when (UTC), to which record, with a before/after summary.
-- Entries are never changed or removed.

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    kind TEXT,
    record_id TEXT,
    summary TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(summary))
);
CREATE INDEX audit_actor ON audit (actor, id);
CREATE INDEX audit_action ON audit (action, id);
CREATE INDEX audit_record ON audit (kind, record_id, id);
CREATE TRIGGER audit_kept_u BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_kept_d BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
