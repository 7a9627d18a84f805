import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect, SqliteDialect, type ColumnType, type CompiledQuery } from "kysely";
import { sqliteFilePath } from "../config/env";

/**
 * The request log's query layer (Kysely): one set of typed queries, two dialects. The log wing (lib/logs/*) builds
 * every read and write of RequestLog, RequestRollup and KeyScopeUsage with `logDb.kysely`; this module owns the
 * connections and the few things the two databases do differently (how a timestamp is bound and read back,
 * how a batch is written, how a long read streams). Prisma (lib/db) stays the client for everything else.
 */

/**
 * A timestamp column. Bound as text in the database's own form (see LogDb.time); read back as a Date on
 * PostgreSQL and as Prisma's "…+00:00" text on SQLite (toDate() takes both).
 */
type DbTime = ColumnType<Date | string, string, string>;

export interface RequestLogTable {
  id: string;
  requestId: string;
  timestamp: DbTime;
  apiKeyId: string | null;
  keyId: string | null;
  keyName: string | null;
  partner: string | null;
  ownerId: string | null;
  environment: string | null;
  method: string;
  route: string;
  path: string;
  status: number;
  statusClass: string;
  latencyMs: number;
  ip: string | null;
  userAgent: string | null;
  errorCode: string | null;
  secretSlot: string | null;
  /** Refusals only: JSON (lib/logs/refusal-detail.ts). */
  refusal: string | null;
}

/** The latency histogram's bucket columns (lib/logs/latency-histogram.ts), h0..h11. */
export const HIST_COLUMNS = ["h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10", "h11"] as const;
type HistColumns = Record<(typeof HIST_COLUMNS)[number], number>;

export type RequestRollupTable = {
  id: string;
  resolution: string;
  bucketStart: DbTime;
  apiKeyId: string;
  ownerId: string;
  partner: string;
  route: string;
  method: string;
  statusClass: string;
  count: number;
  latencySumMs: number;
  latencyMaxMs: number;
} & HistColumns;

export interface KeyScopeUsageTable {
  apiKeyId: string;
  scope: string;
  lastUsedAt: DbTime;
}

/** Only the columns of ApiKey the log wing touches (last use; the public id behind a rollup's internal one). */
export interface ApiKeyTable {
  id: string;
  keyId: string;
  ownerId: string;
  lastUsedAt: DbTime | null;
}

export interface AuditEventTable {
  apiKeyId: string | null;
  action: string;
  createdAt: DbTime;
}

export interface LogTables {
  RequestLog: RequestLogTable;
  RequestRollup: RequestRollupTable;
  KeyScopeUsage: KeyScopeUsageTable;
  ApiKey: ApiKeyTable;
  AuditEvent: AuditEventTable;
}

export type LogDialect = "sqlite" | "postgresql";

/** A stored timestamp (Date from PostgreSQL, "…+00:00" text from SQLite) as a Date. */
export function toDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(v);
}

/** A SQLite write transaction on the log's own connection: compiled statements, prepared once, run synchronously. */
export interface SqliteWrite {
  /** Run a compiled statement with these parameters (in the compiled order); returns the rows it changed. */
  run(sql: string, params: readonly unknown[]): number;
}

interface LogDbBase {
  readonly kysely: Kysely<LogTables>;
  /** A timestamp (epoch ms) bound the way this database stores DateTime: compare and insert with this. */
  time(ms: number): string;
  close(): Promise<void>;
}

export interface SqliteLogDb extends LogDbBase {
  readonly dialect: "sqlite";
  /**
   * Run fn in one IMMEDIATE transaction on the write connection. Through Kysely's async driver a log row cost
   * tens of µs; prepared statements run synchronously in one transaction cost a few, which is what lets the guard
   * keep the API's throughput (BENCHMARKS.md, log ingestion). Throws SQLITE_BUSY at once when another connection
   * holds the lock (no busy wait freezing the event loop): callers retry between turns (retryWhileBusy).
   */
  writeSync<T>(fn: (w: SqliteWrite) => T): T;
}

export interface PostgresLogDb extends LogDbBase {
  readonly dialect: "postgresql";
  /** The pool behind kysely (partition maintenance in lib/db/pg-partitions.ts takes it). */
  readonly pool: pg.Pool;
}

export type LogDb = SqliteLogDb | PostgresLogDb;

/** The form Prisma's better-sqlite3 adapter writes DateTime values in ("…Z" becomes "+00:00"): text compares in order. */
export function sqliteTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

/** A UTC instant for a PostgreSQL "timestamp(3) without time zone" column that holds UTC (as Prisma writes it). */
export function postgresTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

class SqliteLog implements SqliteLogDb {
  readonly dialect = "sqlite" as const;
  readonly kysely: Kysely<LogTables>;
  private readonly writer: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly write: SqliteWrite;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // No busy wait inside SQLite on the write connection: it would freeze the event loop, and with it a Prisma
    // transaction of this process that holds the lock. Writers retry between event-loop turns instead.
    this.writer = new Database(file, { timeout: 0 });
    this.writer.pragma("journal_mode = WAL");
    // In WAL mode NORMAL never corrupts; a power cut may lose the last commits, which the log spool still holds.
    this.writer.pragma("synchronous = NORMAL");
    this.write = {
      run: (sql, params) => {
        let stmt = this.statements.get(sql);
        if (!stmt) {
          stmt = this.writer.prepare(sql);
          this.statements.set(sql, stmt);
        }
        return stmt.run(...(params as unknown[])).changes;
      },
    };
    // Reads (and rare writes: retention) go through Kysely on a connection of their own. In WAL mode readers
    // never wait for the writer; a write through it waits at most briefly and is retried by its caller.
    const reader = new Database(file, { timeout: 0 });
    this.kysely = new Kysely<LogTables>({ dialect: new SqliteDialect({ database: reader }) });
  }

  time(ms: number): string {
    return sqliteTime(ms);
  }

  writeSync<T>(fn: (w: SqliteWrite) => T): T {
    return this.writer.transaction(() => fn(this.write)).immediate();
  }

  async close(): Promise<void> {
    await this.kysely.destroy();
    this.writer.close();
  }
}

const TIMESTAMP_OID = 1114;
const INT8_OID = 20;

/**
 * Per-pool type parsers (pg's global ones stay untouched for Prisma's adapter): "timestamp without time zone"
 * holds UTC, so it is read as UTC whatever the server process's TZ; counts (bigint) come back as numbers.
 */
const postgresTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP_OID) return (v: string) => new Date(`${v.replace(" ", "T")}Z`);
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

class PostgresLog implements PostgresLogDb {
  readonly dialect = "postgresql" as const;
  readonly kysely: Kysely<LogTables>;
  readonly pool: pg.Pool;

  constructor(url: string, poolSize: number, onPoolError: (err: Error) => void) {
    // No JIT for the log's reads: the planner's cost estimates for aggregates over big partitions pass
    // jit_above_cost, and compiling then costs more than the query itself (BENCHMARKS.md section 8).
    // work_mem 16 MB: a chart's GROUPING SETS over ~50,000 rollup rows is estimated at a few MB of groups; under
    // the default 4 MB the planner sorts the rows for one of its groupings instead of hashing all three (about
    // twice the work), and the capped raw rows of an exact-status chart sort on disk.
    this.pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      types: postgresTypes,
      options: "-c jit=off -c work_mem=16MB",
    });
    // An idle connection the server ends (a restart, a failover, an administrator) is an 'error' event on the pool:
    // without a listener Node treats it as uncaught and the process exits. The pool drops that connection itself.
    this.pool.on("error", onPoolError);
    // A connection the server ends while it is checked out (mid-query, mid-transaction) is an 'error' event on that
    // client, which the pool listens for only inside its own query(): Kysely and the log writer check clients out
    // themselves, and the event would end the process. The query in flight fails with the error all the same, and
    // the pool closes the connection when it comes back (it is no longer queryable).
    this.pool.on("connect", (client) => client.on("error", () => undefined));
    this.kysely = new Kysely<LogTables>({ dialect: new PostgresDialect({ pool: this.pool }) });
  }

  time(ms: number): string {
    return postgresTime(ms);
  }

  async close(): Promise<void> {
    // Kysely's destroy ends the pool.
    await this.kysely.destroy();
  }
}

/** The log's query layer for the configured database (chosen in lib/services.ts). */
export function openLogDb(
  databaseUrl: string,
  opts: { poolSize?: number; onPoolError?: (err: Error) => void } = {},
): LogDb {
  const file = sqliteFilePath(databaseUrl);
  return file ? new SqliteLog(file) : new PostgresLog(databaseUrl, opts.poolSize ?? 10, opts.onPoolError ?? (() => {}));
}

/**
 * A compiled statement whose parameters are named: compile the query once with marker values (see markers()),
 * then bind any row's values in the compiled order. This is how a Kysely-built statement becomes a prepared one.
 */
export function bindTemplate<K extends string>(
  compiled: CompiledQuery,
  names: readonly K[],
): { sql: string; bind(values: Record<K, unknown>): unknown[] } {
  const byMarker = new Map(names.map((n) => [marker(n), n]));
  const order = compiled.parameters.map((p) => {
    const name = typeof p === "string" ? byMarker.get(p) : undefined;
    if (!name) throw new Error(`unexpected parameter in a log statement: ${String(p)}`);
    return name;
  });
  return { sql: compiled.sql, bind: (values) => order.map((n) => values[n]) };
}

const marker = (name: string) => `\u0000${name}`;

/** Marker values for bindTemplate: { col: "\0col", … } (typed as whatever the builder expects). */
export function markers<K extends string>(names: readonly K[]): Record<K, never> {
  return Object.fromEntries(names.map((n) => [n, marker(n)])) as Record<K, never>;
}
