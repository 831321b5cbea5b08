-- The deadline sweep: every silo looks for unfinished tasks whose deadline passed or whose silo is gone, instead of a reminder
-- row per task. silo_address is the address of the silo incarnation running the task (ip:port@generation).
ALTER TABLE stackl_tasks ADD COLUMN deadline INTEGER NULL;
ALTER TABLE stackl_tasks ADD COLUMN silo_address TEXT NULL;

-- Only unfinished tasks are indexed, so the index stays as small as the work in flight.
CREATE INDEX IF NOT EXISTS ix_stackl_tasks_unfinished ON stackl_tasks (deadline) WHERE status IN ('Pending', 'Running', 'RollingBack');
