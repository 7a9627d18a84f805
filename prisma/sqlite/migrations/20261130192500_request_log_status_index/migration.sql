-- No change for SQLite: it keeps its index set (and its ingest rate); the status index is PostgreSQL-only (see the
-- PostgreSQL twin). Filtered pages are bounded by the hourly rollups on both databases (lib/logs/page-window.ts).
SELECT 1;
