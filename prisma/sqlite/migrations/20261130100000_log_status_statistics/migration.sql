-- No change for SQLite: extended statistics are PostgreSQL's (see this migration's PostgreSQL twin).
SELECT 1;
