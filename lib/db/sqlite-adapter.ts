import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { retryWhileBusy, StorageTimeoutError } from "./storage-failure";

// The adapter's types, taken from the factory so no transitive package has to be imported.
type SqlDriverAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<SqlDriverAdapter["startTransaction"]>>;
type SqlQuery = Parameters<SqlDriverAdapter["executeRaw"]>[0];
type SqlResultSet = Awaited<ReturnType<SqlDriverAdapter["queryRaw"]>>;
type IsolationLevel = Parameters<SqlDriverAdapter["startTransaction"]>[0];
type ConnectionConfig = ConstructorParameters<typeof PrismaBetterSQLite3>[0];

/** How long a write may wait for the database (this process's lock, then SQLite's) before it becomes a 503. */
export const DEFAULT_WRITE_WAIT_MS = 500;

const query = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

/**
 * Prisma's better-sqlite3 adapter (6.19) with three repairs, all on the one connection it shares between
 * every request of the process:
 *
 * 1. A failed COMMIT no longer freezes writes. Upstream, the transaction lock (an in-process mutex) is
 *    released only by `commit()`, which Prisma calls after a successful `COMMIT` statement: when COMMIT
 *    throws (disk full: SQLite writes the WAL at commit), the lock is kept and every later transaction waits
 *    on it forever, while the connection may still sit inside the failed transaction. Here a failed COMMIT
 *    is rolled back and the lock released; a failed ROLLBACK (SQLite may already have rolled back) releases
 *    it too, and a connection found inside a stray transaction is rolled back before the next BEGIN.
 * 2. Every wait is bounded. Upstream, Prisma's `maxWait` is checked only after the mutex is granted, and
 *    SQLite's busy handler sleeps inside the call, freezing the event loop. Here a transaction or write
 *    waits at most `writeWaitMs` in all (our lock, then SQLite's lock, retried between event-loop turns);
 *    past it the call fails with StorageTimeoutError, which the edges answer with 503.
 * 3. Writes outside a transaction wait for the open transaction instead of joining it. Upstream, a single
 *    `create()` issued while another request's interactive transaction is open runs inside that transaction
 *    on the shared connection, and vanishes if it rolls back. Reads (SELECT) run at once, as before.
 *
 * Transactions start with BEGIN IMMEDIATE: the write lock is taken at the start (bounded, above), so
 * statements inside never meet SQLITE_BUSY halfway through.
 */
export class KeywardSqliteAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  private readonly inner: PrismaBetterSQLite3;
  private readonly writeWaitMs: number;

  constructor(config: ConnectionConfig, opts: { writeWaitMs?: number } = {}) {
    // No busy wait inside SQLite (it would block the event loop): the adapter waits between turns instead.
    this.inner = new PrismaBetterSQLite3({ ...config, timeout: 0 });
    this.adapterName = this.inner.adapterName;
    this.writeWaitMs = opts.writeWaitMs ?? DEFAULT_WRITE_WAIT_MS;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return new KeywardSqliteAdapter(await this.inner.connect(), this.writeWaitMs);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return new KeywardSqliteAdapter(await this.inner.connectToShadowDb(), this.writeWaitMs);
  }
}

/** A FIFO lock whose waiters give up at a deadline. */
class WriteLock {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  acquire(what: string, deadline: number): Promise<() => void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.releaser());
    }
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(this.releaser());
      };
      const timer = setTimeout(
        () => {
          this.waiters.splice(this.waiters.indexOf(grant), 1);
          reject(new StorageTimeoutError(what, Date.now() - started));
        },
        Math.max(0, deadline - Date.now()),
      );
      this.waiters.push(grant);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.held = false;
    };
  }
}

const isRead = (sql: string) => /^\s*SELECT\b/i.test(sql);

/**
 * Prisma's SQLite `contains` is `LIKE ?` with no escape character, so a search for "%" or "_" would match every
 * row. Naming backslash as the escape (PostgreSQL's default) lets lib/db/text-filter.ts escape the wildcards the
 * same way on both databases. Every LIKE Prisma writes for Keyward comes from that one function.
 */
export function withLikeEscape(q: SqlQuery): SqlQuery {
  if (!/ LIKE \?(?! ESCAPE)/.test(q.sql)) return q;
  return { ...q, sql: q.sql.replace(/ LIKE \?(?! ESCAPE)/g, " LIKE ? ESCAPE '\\'") };
}

function messageOf(err: unknown): string {
  const e = err as { message?: unknown; cause?: { originalMessage?: unknown } };
  return String(e?.cause?.originalMessage ?? e?.message ?? "");
}

class KeywardSqliteAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter["provider"];
  readonly adapterName: string;
  private readonly lock = new WriteLock();

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly writeWaitMs: number,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    const q = withLikeEscape(query);
    return isRead(q.sql) ? this.inner.queryRaw(q) : this.exclusive("write", () => this.inner.queryRaw(q));
  }

  executeRaw(q: SqlQuery): Promise<number> {
    return isRead(q.sql) ? this.inner.executeRaw(q) : this.exclusive("write", () => this.inner.executeRaw(q));
  }

  executeScript(script: string): Promise<void> {
    return this.exclusive("script", () => this.inner.executeScript(script));
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    // The inner adapter refuses other levels before it touches its own lock; let it say so in its words.
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") return this.inner.startTransaction(isolationLevel);
    const deadline = Date.now() + this.writeWaitMs;
    const release = await this.lock.acquire("starting a transaction", deadline);
    try {
      await this.begin(deadline);
    } catch (err) {
      release();
      throw err;
    }
    return new KeywardSqliteTransaction(this.inner, release, this.writeWaitMs);
  }

  private async begin(deadline: number): Promise<void> {
    const bound = Math.max(0, deadline - Date.now());
    try {
      await retryWhileBusy("starting a transaction", bound, () => this.inner.executeRaw(query("BEGIN IMMEDIATE")));
    } catch (err) {
      if (!/within a transaction/.test(messageOf(err))) throw err;
      // Left inside a transaction by a failure we could not see (e.g. a raw BEGIN): close it, then start ours.
      await this.inner.executeRaw(query("ROLLBACK")).catch(() => 0);
      await this.inner.executeRaw(query("BEGIN IMMEDIATE"));
    }
  }

  private async exclusive<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.writeWaitMs;
    const release = await this.lock.acquire(what, deadline);
    try {
      return await retryWhileBusy(what, Math.max(0, deadline - Date.now()), fn);
    } finally {
      release();
    }
  }
}

class KeywardSqliteTransaction implements Transaction {
  readonly options = { usePhantomQuery: false };
  readonly provider: Transaction["provider"];
  readonly adapterName: string;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly release: () => void,
    private readonly writeWaitMs: number,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  queryRaw(q: SqlQuery): Promise<SqlResultSet> {
    return this.inner.queryRaw(withLikeEscape(q));
  }

  async executeRaw(q: SqlQuery): Promise<number> {
    const statement = q.sql.trim().toUpperCase();
    if (statement === "COMMIT") return this.commitStatement(q);
    if (statement === "ROLLBACK") return this.rollbackStatement(q);
    return this.inner.executeRaw(q);
  }

  /** Prisma calls these after its COMMIT / ROLLBACK statement succeeded. */
  commit(): Promise<void> {
    this.release();
    return Promise.resolve();
  }

  rollback(): Promise<void> {
    this.release();
    return Promise.resolve();
  }

  private async commitStatement(q: SqlQuery): Promise<number> {
    try {
      // SQLITE_BUSY at COMMIT leaves the transaction intact (a reader in rollback-journal mode): retry briefly.
      return await retryWhileBusy("committing", this.writeWaitMs, () => this.inner.executeRaw(q));
    } catch (err) {
      // SQLite may or may not have rolled back already (disk full, I/O error): make sure, then free the lock.
      await this.inner.executeRaw(query("ROLLBACK")).catch(() => 0);
      this.release();
      throw err;
    }
  }

  private async rollbackStatement(q: SqlQuery): Promise<number> {
    try {
      return await this.inner.executeRaw(q);
    } catch (err) {
      // The failed statement already rolled the transaction back: nothing is left to undo.
      if (/no transaction is active/.test(messageOf(err))) return 0;
      this.release();
      throw err;
    }
  }
}
