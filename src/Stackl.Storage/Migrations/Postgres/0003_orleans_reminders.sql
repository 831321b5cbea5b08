-- Orleans reminders, read and written by Orleans' ADO.NET reminder table (Microsoft.Orleans.Reminders.AdoNet, invariant Npgsql)
-- through the statements stored in OrleansQuery below. The same columns as the SQLite table:
-- grain_hash is GrainId.GetUniformHashCode() as the signed 32-bit integer the provider passes; start_at is unix microseconds;
-- period_us microseconds (the provider passes milliseconds); version is the ETag, drawn from a sequence so that a reminder
-- removed and registered again never gets an ETag it had before.
CREATE SEQUENCE IF NOT EXISTS stackl_orleans_reminder_versions AS integer CYCLE;

CREATE TABLE IF NOT EXISTS stackl_orleans_reminders (
    service_id    text COLLATE "C" NOT NULL,
    grain_id      text COLLATE "C" NOT NULL,
    reminder_name text COLLATE "C" NOT NULL,
    grain_hash    integer NOT NULL,
    start_at      bigint  NOT NULL,
    period_us     bigint  NOT NULL,
    version       integer NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS ix_stackl_orleans_reminders_hash ON stackl_orleans_reminders (service_id, grain_hash);

-- The statements Orleans' ADO.NET providers run, by key; Orleans reads "SELECT QueryKey, QueryText FROM OrleansQuery" at start.
-- Membership adds its rows in a later script.
CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- Contract (Orleans 10.4.2): parameters @ServiceId, @GrainId, @ReminderName, @StartTime (timestamp), @Period (milliseconds,
-- int or bigint), @GrainHash, @BeginHash, @EndHash (int) and @Version (int). Row readers read the columns GrainId, ReminderName,
-- StartTime, Period (milliseconds) and Version; the upsert returns the new Version; the row delete returns one boolean row.
-- The provider picks ReadRangeRows1Key when BeginHash < EndHash as signed integers (the range (begin, end]), else
-- ReadRangeRows2Key (the range wraps around the ring; begin = end is the whole ring).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey', $sql$
INSERT INTO stackl_orleans_reminders AS r (service_id, grain_id, reminder_name, grain_hash, start_at, period_us, version)
VALUES (
    @ServiceId, @GrainId, @ReminderName, @GrainHash,
    (extract(epoch FROM @StartTime) * 1000000)::bigint,
    @Period::bigint * 1000,
    nextval('stackl_orleans_reminder_versions'))
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET grain_hash = excluded.grain_hash, start_at = excluded.start_at, period_us = excluded.period_us, version = excluded.version
RETURNING r.version AS "Version"
$sql$),
('ReadReminderRowsKey', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName",
       timestamptz 'epoch' + start_at * interval '1 microsecond' AS "StartTime",
       period_us / 1000 AS "Period", version AS "Version"
FROM stackl_orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId
$sql$),
('ReadReminderRowKey', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName",
       timestamptz 'epoch' + start_at * interval '1 microsecond' AS "StartTime",
       period_us / 1000 AS "Period", version AS "Version"
FROM stackl_orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$sql$),
('ReadRangeRows1Key', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName",
       timestamptz 'epoch' + start_at * interval '1 microsecond' AS "StartTime",
       period_us / 1000 AS "Period", version AS "Version"
FROM stackl_orleans_reminders
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$sql$),
('ReadRangeRows2Key', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName",
       timestamptz 'epoch' + start_at * interval '1 microsecond' AS "StartTime",
       period_us / 1000 AS "Period", version AS "Version"
FROM stackl_orleans_reminders
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$sql$),
('DeleteReminderRowKey', $sql$
WITH removed AS (
    DELETE FROM stackl_orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
    RETURNING 1)
SELECT count(*) > 0 FROM removed
$sql$),
('DeleteReminderRowsKey', $sql$
DELETE FROM stackl_orleans_reminders WHERE service_id = @ServiceId
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
