-- HAND-WRITTEN (PostgreSQL only; listed in KNOWN_PG_DRIFT, scripts/db-schema.ts). See BENCHMARKS.md section 8.

-- The primary key ("timestamp", "id") already leads with the timestamp: this index only cost every insert.
DROP INDEX "RequestLog_timestamp_idx";

-- A user's log filtered by status class (4xx, 5xx, …), newest first: without it a sparse filter such as
-- POST /api/v1/offers + 5xx walks the owner's whole time index.
CREATE INDEX "RequestLog_ownerId_statusClass_timestamp_idx" ON "RequestLog"("ownerId", "statusClass", "timestamp");

-- Rows with an error code (a minority): the error-code filter and "revoked but still used" (keys needing
-- attention) read these instead of every row of the week.
CREATE INDEX "RequestLog_errorCode_timestamp_idx" ON "RequestLog"("errorCode", "timestamp") WHERE "errorCode" IS NOT NULL;
