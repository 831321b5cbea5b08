-- API keys: the cluster's credentials. Only a salted SHA-256 of each key's secret is stored; the id is public.
CREATE TABLE IF NOT EXISTS stackl_api_keys (
    id         text COLLATE "C" PRIMARY KEY,
    name       text   NOT NULL UNIQUE,
    role       text   NOT NULL,
    salt       text   NOT NULL,
    hash       text   NOT NULL,
    created_at bigint NOT NULL,
    created_by text   NOT NULL,
    revoked_at bigint NULL
);

-- A task's source is the principal that submitted it; a principal that sees only its own tasks lists them from this index.
ALTER TABLE stackl_tasks ADD COLUMN IF NOT EXISTS source text NULL;
CREATE INDEX IF NOT EXISTS ix_stackl_tasks_source ON stackl_tasks (source, id) WHERE source IS NOT NULL;
