-- API keys: the cluster's credentials. Only a salted SHA-256 of each key's secret is stored; the id is public.
CREATE TABLE IF NOT EXISTS stackl_api_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    role       TEXT    NOT NULL,
    salt       TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    revoked_at INTEGER NULL
);

-- A task's source is the principal that submitted it; a principal that sees only its own tasks lists them from this index.
ALTER TABLE stackl_tasks ADD COLUMN source TEXT NULL;
CREATE INDEX IF NOT EXISTS ix_stackl_tasks_source ON stackl_tasks (source, id) WHERE source IS NOT NULL;
