-- No change for SQLite: its request log keeps its request-id index (see the PostgreSQL twin).
SELECT 1;
