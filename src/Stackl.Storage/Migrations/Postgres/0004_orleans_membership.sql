-- Orleans cluster membership (Microsoft.Orleans.Clustering.AdoNet, invariant Npgsql): the tables and the queries the provider reads.
-- The provider loads every query text from OrleansQuery by key, binds named parameters (@DeploymentId is the cluster id) and reads
-- result columns by name; the names below are its contract. Identifiers are unquoted, so PostgreSQL folds them to lower case,
-- which is how the provider's own "SELECT QueryKey, QueryText FROM OrleansQuery" finds them.

-- Created by 0003_orleans_reminders.sql on the reminders branch as well; whichever runs first creates it.
CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey  varchar(64)   PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

-- One row per cluster: its version is the membership table's ETag. Every insert or update of a member bumps it by one,
-- on condition that it still holds the value the writer read, so of two writers that read the same version only one wins.
CREATE TABLE IF NOT EXISTS stackl_membership_versions (
    deployment_id text        PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port, generation). Times are instants (timestamptz): the provider sends UTC
-- DateTime values, so they are stored and read back unchanged whatever the session's TimeZone.
CREATE TABLE IF NOT EXISTS stackl_membership (
    deployment_id   text        NOT NULL REFERENCES stackl_membership_versions (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Status numbers are Orleans' SiloStatus: 3 Active, 6 Dead.
-- Writes that report success return exactly one row with one boolean: the provider takes the first row, so a lost race
-- must answer false, never an empty result.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO stackl_membership_versions (deployment_id, version, changed_at)
    VALUES (@DeploymentId, 0, now())
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created);
$sql$),

-- The version row is bumped first (its row lock orders concurrent writers; a writer that waited sees the new version and
-- matches nothing); the member is inserted only from the bumped row, so a lost race or a duplicate changes nothing.
('InsertMembershipKey', $sql$
WITH bumped AS (
    UPDATE stackl_membership_versions AS v
    SET version = v.version + 1, changed_at = now()
    WHERE v.deployment_id = @DeploymentId
      AND v.version = @Version
      AND NOT EXISTS (
          SELECT 1 FROM stackl_membership AS m
          WHERE m.deployment_id = @DeploymentId AND m.address = @Address AND m.port = @Port AND m.generation = @Generation)
    RETURNING v.deployment_id
), inserted AS (
    INSERT INTO stackl_membership
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, suspect_times, start_time, i_am_alive_time)
    SELECT b.deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, NULL, @StartTime, @IAmAliveTime
    FROM bumped AS b
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM inserted);
$sql$),

('UpdateMembershipKey', $sql$
WITH bumped AS (
    UPDATE stackl_membership_versions AS v
    SET version = v.version + 1, changed_at = now()
    WHERE v.deployment_id = @DeploymentId
      AND v.version = @Version
      AND EXISTS (
          SELECT 1 FROM stackl_membership AS m
          WHERE m.deployment_id = @DeploymentId AND m.address = @Address AND m.port = @Port AND m.generation = @Generation)
    RETURNING v.deployment_id
), updated AS (
    UPDATE stackl_membership AS m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM bumped AS b
    WHERE m.deployment_id = b.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM updated);
$sql$),

-- A heartbeat: not versioned, it changes no one's view of the cluster.
('UpdateIAmAlivetimeKey', $sql$
UPDATE stackl_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$sql$),

-- Reads start from the version row, so they return it (with null member columns) even when no member matches;
-- a null StartTime tells the provider the row carries only the version.
('MembershipReadRowKey', $sql$
SELECT v.version AS "Version",
       m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM stackl_membership_versions AS v
LEFT JOIN stackl_membership AS m
       ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$sql$),

('MembershipReadAllKey', $sql$
SELECT v.version AS "Version",
       m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM stackl_membership_versions AS v
LEFT JOIN stackl_membership AS m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
ORDER BY m.address, m.port, m.generation;
$sql$),

-- The members go with their version row (ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM stackl_membership_versions WHERE deployment_id = @DeploymentId;
$sql$),

-- Gateways for clients: active silos that listen for clients (@Status is Active).
('GatewaysQueryKey', $sql$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM stackl_membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
$sql$),

-- Dead silos whose last heartbeat is older than @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM stackl_membership
WHERE deployment_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime;
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
