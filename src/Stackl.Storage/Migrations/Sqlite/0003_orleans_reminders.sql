-- Orleans reminders (IReminderTable): one row per (service, grain, reminder name).
-- grain_hash is GrainId.GetUniformHashCode() read as a signed 32-bit integer, as Orleans' ADO.NET provider passes it,
-- so both engines hold the same values and ring ranges are chosen the same way.
-- start_at is unix microseconds, period_us microseconds; version is the ETag, drawn from stackl_orleans_reminder_versions.
CREATE TABLE IF NOT EXISTS stackl_orleans_reminders (
    service_id    TEXT    NOT NULL,
    grain_id      TEXT    NOT NULL,
    reminder_name TEXT    NOT NULL,
    grain_hash    INTEGER NOT NULL,
    start_at      INTEGER NOT NULL,
    period_us     INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS ix_stackl_orleans_reminders_hash ON stackl_orleans_reminders (service_id, grain_hash);

-- The last ETag handed out. It only grows, so a reminder removed and registered again never gets an ETag it had before:
-- a remove holding the old ETag fails instead of deleting the new registration.
CREATE TABLE IF NOT EXISTS stackl_orleans_reminder_versions (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);

INSERT INTO stackl_orleans_reminder_versions (id, last) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
