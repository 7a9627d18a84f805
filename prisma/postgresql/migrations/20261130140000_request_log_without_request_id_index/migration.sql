-- HAND-WRITTEN (PostgreSQL only; KNOWN_PG_DRIFT, scripts/db-schema.ts). See BENCHMARKS.md section 8e.

-- The row id is the request id, so the primary key ("timestamp", "id") holds the same two values as this index.
-- A request is found by the time its id carries (lib/logs/log-filter.ts requestIdWhere) and a replayed entry is
-- skipped on the primary key (ON CONFLICT ("timestamp", "id")): this index only cost every insert.
DROP INDEX "RequestLog_requestId_timestamp_key";
