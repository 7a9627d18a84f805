import "server-only";
import pg from "pg";

/**
 * Daily partitions of the raw request log on PostgreSQL ("RequestLog", range-partitioned by "timestamp", see
 * prisma/postgresql/migrations/20261129000000_init). Rows no dated partition covers land in the DEFAULT
 * partition, so an insert never fails; the maintenance job creates partitions ahead (ensurePartitions) and
 * retention drops whole days (dropPartitionsBefore) instead of deleting rows.
 *
 * The statement for one day, by hand (the range is [day, next day) in UTC, as "timestamp" holds UTC):
 *   CREATE TABLE "RequestLog_p20261201" PARTITION OF "RequestLog"
 *     FOR VALUES FROM ('2026-12-01 00:00:00') TO ('2026-12-02 00:00:00');
 * PostgreSQL refuses that while the DEFAULT partition holds rows of that day; ensurePartitions moves them.
 */
export const LOG_TABLE = "RequestLog";
export const DEFAULT_PARTITION = "RequestLog_default";

/** Serialises partition maintenance across instances (pg_advisory_xact_lock; any fixed bigint). */
export const PARTITION_LOCK_KEY = 72707370;

const DAY_MS = 86_400_000;
/** A maintenance statement waits this long for a table lock, then gives up (the next run retries). */
const LOCK_TIMEOUT = "5s";

export type LogPartition = { name: string; from: Date; to: Date };

type Connection = pg.Pool | pg.ClientBase;

/** Midnight UTC of the day `d` falls in. */
export function utcDay(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
}

/** "RequestLog_p20261201" for the day starting 2026-12-01T00:00Z. */
export function partitionName(day: Date): string {
  return `${LOG_TABLE}_p${day.toISOString().slice(0, 10).replace(/-/g, "")}`;
}

/** A UTC instant as a literal for a "timestamp without time zone" column holding UTC. */
function tsLiteral(d: Date): string {
  return `'${d.toISOString().replace("T", " ").replace("Z", "")}'`;
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

async function withConnection<T>(conn: Connection, fn: (c: pg.ClientBase) => Promise<T>): Promise<T> {
  if (conn instanceof pg.Pool) {
    const client = await conn.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }
  return fn(conn);
}

async function inTransaction<T>(c: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await c.query("BEGIN");
  try {
    await c.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    await c.query("SELECT pg_advisory_xact_lock($1)", [PARTITION_LOCK_KEY]);
    const result = await fn();
    await c.query("COMMIT");
    return result;
  } catch (err) {
    await c.query("ROLLBACK");
    throw err;
  }
}

// "FOR VALUES FROM ('2026-12-01 00:00:00') TO ('2026-12-02 00:00:00')"; MINVALUE/MAXVALUE stay open-ended.
const BOUND = /^FOR VALUES FROM \((.+)\) TO \((.+)\)$/;
function parseBound(value: string, open: number): Date {
  const m = /^'(.+)'$/.exec(value.trim());
  return new Date(m ? `${m[1]!.replace(" ", "T")}Z` : open);
}

/** The dated partitions of the request log, oldest first (the DEFAULT partition is not listed). */
export async function listPartitions(conn: Connection): Promise<LogPartition[]> {
  const { rows } = await conn.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1)`,
    [q(LOG_TABLE)],
  );
  const parts: LogPartition[] = [];
  for (const r of rows) {
    const m = BOUND.exec(r.bound);
    if (!m) continue; // DEFAULT
    parts.push({ name: r.name, from: parseBound(m[1]!, -8.64e15), to: parseBound(m[2]!, 8.64e15) });
  }
  return parts.sort((a, b) => a.from.getTime() - b.from.getTime());
}

/**
 * Make sure each UTC day from `from`'s day on, for `days` days, is covered by a partition. A day some
 * existing partition already overlaps is left alone. Rows of a new day that sit in the DEFAULT partition
 * (written before its partition existed) are moved into it, in the same transaction.
 * Safe to run concurrently (advisory lock) and repeatedly.
 */
export async function ensurePartitions(
  conn: Connection,
  from: Date,
  days: number,
): Promise<{ created: string[]; movedRows: number }> {
  const result = { created: [] as string[], movedRows: 0 };
  await withConnection(conn, async (c) => {
    for (let i = 0; i < days; i++) {
      const start = new Date(utcDay(from).getTime() + i * DAY_MS);
      const end = new Date(start.getTime() + DAY_MS);
      await inTransaction(c, async () => {
        const overlaps = (await listPartitions(c)).some((p) => p.from < end && p.to > start);
        if (overlaps) return;
        result.movedRows += await createDayPartition(c, start, end);
        result.created.push(partitionName(start));
      });
    }
  });
  return result;
}

/**
 * One day's partition, built beside the table, filled with that day's rows from the DEFAULT partition and
 * attached. Writes to the log wait for this transaction (milliseconds for a day ahead, which has no rows);
 * reads go on, except those that scan the DEFAULT partition while ATTACH checks it.
 */
async function createDayPartition(c: pg.ClientBase, start: Date, end: Date): Promise<number> {
  const name = partitionName(start);
  const range = `"timestamp" >= ${tsLiteral(start)} AND "timestamp" < ${tsLiteral(end)}`;
  await c.query(
    `CREATE TABLE ${q(name)} (LIKE ${q(LOG_TABLE)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING STATISTICS,
       CONSTRAINT ${q(`${name}_range`)} CHECK (${range}))`,
  );
  // Writers wait from here to the commit (readers do not): an insert that had already routed its row to the
  // DEFAULT partition would fail after the attach ("violates partition constraint"), and one that waits on the
  // parent routes by the new partitions once it gets the lock.
  await c.query(`LOCK TABLE ONLY ${q(LOG_TABLE)} IN SHARE ROW EXCLUSIVE MODE`);
  const moved = await c.query(
    `WITH moved AS (DELETE FROM ${q(DEFAULT_PARTITION)} WHERE ${range} RETURNING *)
     INSERT INTO ${q(name)} SELECT * FROM moved`,
  );
  await c.query(
    `ALTER TABLE ${q(LOG_TABLE)} ATTACH PARTITION ${q(name)} FOR VALUES FROM (${tsLiteral(start)}) TO (${tsLiteral(end)})`,
  );
  // The CHECK spared ATTACH a scan of the new table; the partition bound says the same from now on.
  await c.query(`ALTER TABLE ${q(name)} DROP CONSTRAINT ${q(`${name}_range`)}`);
  return moved.rowCount ?? 0;
}

/**
 * Retention: drop every partition that ends at or before `before` (whole days, no row-by-row delete), and
 * delete the DEFAULT partition's rows older than `before`. A partition straddling `before` is kept.
 */
export async function dropPartitionsBefore(
  conn: Connection,
  before: Date,
): Promise<{ dropped: string[]; droppedRows: number; deletedFromDefault: number }> {
  return withConnection(conn, (c) =>
    inTransaction(c, async () => {
      const dropped: string[] = [];
      let droppedRows = 0;
      for (const p of await listPartitions(c)) {
        if (p.to.getTime() > before.getTime()) continue;
        // Counted for the retention job's report; a day's partition is read once, then dropped whole.
        const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(p.name)}`);
        droppedRows += Number(rows[0]?.n ?? 0);
        await c.query(`DROP TABLE ${q(p.name)}`);
        dropped.push(p.name);
      }
      const deleted = await c.query(`DELETE FROM ${q(DEFAULT_PARTITION)} WHERE "timestamp" < ${tsLiteral(before)}`);
      return { dropped, droppedRows, deletedFromDefault: deleted.rowCount ?? 0 };
    }),
  );
}

/** How the request log is partitioned (null when it is a plain table): for checks and tests. */
export async function describeLogPartitioning(
  conn: Connection,
): Promise<{ strategy: string; key: string[]; defaultPartition: string | null } | null> {
  const { rows } = await conn.query<{ strategy: string; key: string[] }>(
    `SELECT pt.partstrat AS strategy,
            ARRAY(SELECT a.attname::text FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = k.attnum ORDER BY k.n) AS key
       FROM pg_partitioned_table pt WHERE pt.partrelid = to_regclass($1)`,
    [q(LOG_TABLE)],
  );
  if (rows.length === 0) return null;
  const def = await conn.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partdefid
      WHERE pt.partrelid = to_regclass($1)`,
    [q(LOG_TABLE)],
  );
  return { strategy: rows[0]!.strategy, key: rows[0]!.key, defaultPartition: def.rows[0]?.name ?? null };
}
