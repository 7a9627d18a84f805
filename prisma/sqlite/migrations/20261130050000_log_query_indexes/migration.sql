-- No change for SQLite: the log indexes of this migration are PostgreSQL-only (see its PostgreSQL twin).
SELECT 1;
