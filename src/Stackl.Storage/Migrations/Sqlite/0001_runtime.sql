CREATE TABLE IF NOT EXISTS stackl_grain_state (
    grain_type TEXT NOT NULL,
    grain_key  TEXT NOT NULL,
    state_name TEXT NOT NULL,
    payload    BLOB NULL,
    version    INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS stackl_reminders (
    grain_type TEXT NOT NULL,
    grain_key  TEXT NOT NULL,
    name       TEXT NOT NULL,
    due_at     INTEGER NOT NULL,
    period_us  INTEGER NULL,
    attempt    INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS ix_stackl_reminders_due_at ON stackl_reminders (due_at);
