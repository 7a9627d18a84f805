-- HAND-WRITTEN (PostgreSQL only; listed in KNOWN_PG_DRIFT, scripts/db-schema.ts). See BENCHMARKS.md section 8g.

-- A filter on an exact status or a status class (a class is spelled as its status range, lib/logs/log-filter.ts)
-- that selects few rows or none read every row of its range without an index that leads with the status: about
-- 1 s for "409" at 10,000,000 rows, owner or support staff alike. This index serves both kinds, for every owner.
CREATE INDEX "RequestLog_status_timestamp_idx" ON "RequestLog"("status", "timestamp");

-- It replaces the owner + status class index (same number of indexes for every insert to keep): an owner's
-- filter by class is bounded by the hourly rollups first (lib/logs/page-window.ts), then served by this index or
-- the owner's time index.
DROP INDEX "RequestLog_ownerId_statusClass_timestamp_idx";
