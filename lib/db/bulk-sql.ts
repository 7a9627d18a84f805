import "server-only";
import Database from "better-sqlite3";
import { sqliteFilePath } from "../config/env";

/**
 * A lean SQL path for the request log's hot writes. Through the ORM a log row cost ~50 µs of CPU (argument
 * mapping, query compilation); prepared statements on a dedicated connection cost a few µs, which is what
 * lets the guard keep the API's throughput. Only lib/logs/log-store.ts uses it; everything else goes
 * through Prisma (lib/db). Dates are bound in the same text form Prisma's SQLite adapter stores.
 */
export interface BulkSql {
  /** Run fn inside one transaction (BEGIN IMMEDIATE ... COMMIT; ROLLBACK on throw). */
  transaction<T>(fn: (q: BulkQuery) => T): T;
  /**
   * A read-only connection of its own for a long streaming read (the CSV export): rows come one at a time
   * from a consistent snapshot, and the writer's connection is never held busy. Close it when done.
   */
  openReader(): BulkReader;
  close(): void;
}

export interface BulkReader {
  iterate<T>(sql: string, params: readonly unknown[]): IterableIterator<T>;
  close(): void;
}

export interface BulkQuery {
  /** Execute a statement; returns the number of rows it changed. */
  run(sql: string, params: readonly unknown[]): number;
}

/** The form Prisma's better-sqlite3 adapter writes DateTime values in ("...Z" becomes "+00:00"). */
export function sqliteDate(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

class SqliteBulkSql implements BulkSql {
  private readonly sqlite: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly query: BulkQuery;

  constructor(file: string) {
    // No busy wait inside SQLite: it would freeze the event loop, and with it a Prisma transaction of this
    // process that holds the lock. storeLogBatch retries between event-loop turns instead.
    this.sqlite = new Database(file, { timeout: 0 });
    this.sqlite.pragma("journal_mode = WAL");
    // In WAL mode NORMAL never corrupts; a power cut may lose the last commits, which the log spool still holds.
    this.sqlite.pragma("synchronous = NORMAL");
    this.query = {
      run: (sql, params) => {
        let stmt = this.statements.get(sql);
        if (!stmt) {
          stmt = this.sqlite.prepare(sql);
          this.statements.set(sql, stmt);
        }
        return stmt.run(...(params as unknown[])).changes;
      },
    };
  }

  transaction<T>(fn: (q: BulkQuery) => T): T {
    return this.sqlite.transaction(() => fn(this.query)).immediate();
  }

  openReader(): BulkReader {
    const reader = new Database(this.sqlite.name, { readonly: true, timeout: 10_000 });
    return {
      iterate: <T>(sql: string, params: readonly unknown[]) =>
        reader.prepare(sql).iterate(...(params as unknown[])) as IterableIterator<T>,
      close: () => reader.close(),
    };
  }

  close(): void {
    this.sqlite.close();
  }
}

/** The bulk path for the configured database. */
export function openBulkSql(databaseUrl: string): BulkSql {
  const file = sqliteFilePath(databaseUrl);
  if (!file) throw new Error("The bulk SQL path supports SQLite only so far.");
  return new SqliteBulkSql(file);
}
