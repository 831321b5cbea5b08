-- Tasks: one row per task; status, topic and times are columns so listings are served by indexes.
CREATE TABLE IF NOT EXISTS stackl_tasks (
    id           text COLLATE "C" PRIMARY KEY,
    topic        text   NOT NULL,
    subtype      text   NOT NULL,
    status       text   NOT NULL,
    created_at   bigint NOT NULL,
    completed_at bigint NULL,
    state        bytea  NULL,
    version      bigint NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_stackl_tasks_status ON stackl_tasks (status, id);
CREATE INDEX IF NOT EXISTS ix_stackl_tasks_topic ON stackl_tasks (topic, id);

-- Documents: the committed value and the lock as columns; keys compare bytewise so prefix ranges use the primary key.
CREATE TABLE IF NOT EXISTS stackl_documents (
    key         text COLLATE "C" PRIMARY KEY,
    doc_version bigint NOT NULL,
    value       text   NULL,
    owner       text   NULL,
    lease_until bigint NULL,
    state       bytea  NULL,
    version     bigint NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_stackl_documents_owner ON stackl_documents (owner) WHERE owner IS NOT NULL;

-- Every committed version of every document, written in the same transaction as the commit.
CREATE TABLE IF NOT EXISTS stackl_document_history (
    key     text COLLATE "C" NOT NULL,
    version bigint NOT NULL,
    task_id text   NOT NULL,
    value   text   NULL,
    at      bigint NOT NULL,
    PRIMARY KEY (key, version)
);
