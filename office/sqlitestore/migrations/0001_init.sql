-- 0001: the office's tables. Every column below except schema_migrations'
-- is covered by office.Audit (see the office package doc, "Audit").
CREATE TABLE events (
	seq  INTEGER PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE,
	body BLOB NOT NULL
);
CREATE TABLE objects (
	kind       TEXT    NOT NULL,
	id         TEXT    NOT NULL,
	rev        INTEGER NOT NULL CHECK (rev >= 1),
	event_seq  INTEGER NOT NULL REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED,
	event_hash TEXT    NOT NULL,
	body       BLOB    NOT NULL,
	PRIMARY KEY (kind, id, rev)
) WITHOUT ROWID;
CREATE TABLE snapshots (
	sid        INTEGER PRIMARY KEY,
	id         TEXT    NOT NULL UNIQUE,
	pool       TEXT    NOT NULL,
	at_ns      INTEGER NOT NULL,
	count      INTEGER NOT NULL,
	root       TEXT    NOT NULL,
	digest     TEXT    NOT NULL,
	event_seq  INTEGER NOT NULL REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED,
	event_hash TEXT    NOT NULL
);
CREATE INDEX snapshots_as_of ON snapshots (pool, at_ns, id);
CREATE TABLE snapshot_rows (
	sid  INTEGER NOT NULL REFERENCES snapshots(sid) DEFERRABLE INITIALLY DEFERRED,
	key  TEXT    NOT NULL,
	data BLOB    NOT NULL,
	PRIMARY KEY (sid, key)
) WITHOUT ROWID;
