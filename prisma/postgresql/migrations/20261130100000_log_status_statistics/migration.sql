-- HAND-WRITTEN (PostgreSQL only; Prisma does not model extended statistics). See lib/logs/log-filter.ts.

-- A row's status class is a function of its status (403 is 4xx). A filter on an exact status also names its class,
-- so that the ("ownerId", "statusClass", "timestamp") index serves it; but the planner takes the two conditions
-- as independent and then expects a fraction of the rows they select (a 4xx status: about a third), and picks
-- plans for too few rows (a 30-day exact-status chart sorted a million rows to keep its newest 200,000). These
-- statistics tell it that the status decides the class.

-- On the partitioned table: each new day partition copies it (CREATE TABLE … LIKE … INCLUDING STATISTICS in
-- lib/db/pg-partitions.ts); the planner estimates a partition from the partition's own statistics.
CREATE STATISTICS "RequestLog_status_statusClass_stat" (dependencies) ON "status", "statusClass" FROM "RequestLog";

-- The partitions that exist already get theirs, built now: autovacuum may never analyze a day that no longer
-- changes again. ANALYZE reads a sample of each partition (30,000 rows at the default statistics target).
DO $$
DECLARE
  part regclass;
BEGIN
  FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = '"RequestLog"'::regclass LOOP
    EXECUTE format(
      'CREATE STATISTICS IF NOT EXISTS %I (dependencies) ON "status", "statusClass" FROM %s',
      (SELECT relname FROM pg_class WHERE oid = part) || '_status_statusClass_stat',
      part
    );
    EXECUTE format('ANALYZE %s', part);
  END LOOP;
END $$;
