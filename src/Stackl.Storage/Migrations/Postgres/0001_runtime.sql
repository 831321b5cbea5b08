CREATE TABLE IF NOT EXISTS stackl_grain_state (
    grain_type text   NOT NULL,
    grain_key  text   NOT NULL,
    state_name text   NOT NULL,
    payload    bytea  NULL,
    version    bigint NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);

CREATE TABLE IF NOT EXISTS stackl_reminders (
    grain_type text   NOT NULL,
    grain_key  text   NOT NULL,
    name       text   NOT NULL,
    due_at     bigint NOT NULL,
    period_us  bigint NULL,
    attempt    integer NOT NULL,
    version    bigint NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
);

CREATE INDEX IF NOT EXISTS ix_stackl_reminders_due_at ON stackl_reminders (due_at);
