-- Tasks: one row per task; status, topic and times are columns so listings are served by indexes.
CREATE TABLE IF NOT EXISTS stackl_tasks (
    id           TEXT    NOT NULL PRIMARY KEY,
    topic        TEXT    NOT NULL,
    subtype      TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    completed_at INTEGER NULL,
    state        BLOB    NULL,
    version      INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_stackl_tasks_status ON stackl_tasks (status, id);
CREATE INDEX IF NOT EXISTS ix_stackl_tasks_topic ON stackl_tasks (topic, id);

-- Documents: the committed value and the lock as columns; keys compare bytewise so prefix ranges use the primary key.
CREATE TABLE IF NOT EXISTS stackl_documents (
    key         TEXT    NOT NULL PRIMARY KEY,
    doc_version INTEGER NOT NULL,
    value       TEXT    NULL,
    owner       TEXT    NULL,
    lease_until INTEGER NULL,
    state       BLOB    NULL,
    version     INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_stackl_documents_owner ON stackl_documents (owner) WHERE owner IS NOT NULL;

-- Every committed version of every document, written in the same transaction as the commit.
CREATE TABLE IF NOT EXISTS stackl_document_history (
    key     TEXT    NOT NULL,
    version INTEGER NOT NULL,
    task_id TEXT    NOT NULL,
    value   TEXT    NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (key, version)
) WITHOUT ROWID;
