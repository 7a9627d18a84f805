import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "kysely";
import { from as copyFrom } from "pg-copy-streams";
import type { PostgresLogDb } from "../lib/db/log-db";
import { ensurePartitions, LOG_TABLE, listPartitions, partitionName, utcDay } from "../lib/db/pg-partitions";
import type { LogEntry } from "../lib/logs/log-entry";
import { LOG_COLUMNS, logValues, rollupsFrom } from "../lib/logs/log-store";

const DAY_MS = 86_400_000;

/**
 * The PostgreSQL bulk path of `npm run seed:logs` (used when none of the seeded days has a partition yet, e.g.
 * the bench's fresh database). Inserting row by row into the partitioned table maintains its indexes one entry
 * at a time, which on the bench machine capped seeding at a few thousand rows/s. Instead, each day's rows go
 * into a plain table without indexes (the future partition), the day's rollups are built from it with the very
 * statement the log store uses (rollupsFrom), and the table is then attached as the day's partition: PostgreSQL
 * builds each index once, sorted. Keys' last-used times and scope usage are written at the end.
 */
export class PostgresBulkSeed {
  private readonly days = new Set<number>();
  private readonly lastUsed = new Map<string, number>();
  private readonly scopeUsed = new Map<string, { apiKeyId: string; scope: string; at: number }>();

  private constructor(
    private readonly logDb: PostgresLogDb,
    /** Days a partition already covers (e.g. today, made by the maintenance job): their rows go through store. */
    private readonly covered: (day: number) => boolean,
    private readonly store: (entries: LogEntry[]) => Promise<number>,
  ) {}

  /** A bulk seeder for [from, to), or null when the DEFAULT partition holds rows of that span (use the store). */
  static async open(
    logDb: PostgresLogDb,
    from: Date,
    to: Date,
    store: (entries: LogEntry[]) => Promise<number>,
  ): Promise<PostgresBulkSeed | null> {
    const parts = await listPartitions(logDb.pool);
    const inDefault = await logDb.pool.query(
      `SELECT 1 FROM "RequestLog_default" WHERE "timestamp" >= $1 AND "timestamp" < $2 LIMIT 1`,
      [logDb.time(from.getTime()), logDb.time(to.getTime())],
    );
    if (inDefault.rowCount) return null;
    const covered = (day: number) => parts.some((p) => p.from.getTime() < day + DAY_MS && p.to.getTime() > day);
    return new PostgresBulkSeed(logDb, covered, store);
  }

  /** Append a batch (rows of any days) to the days' unattached tables. */
  async add(entries: readonly LogEntry[]): Promise<number> {
    const byDay = new Map<number, LogEntry[]>();
    const viaStore: LogEntry[] = [];
    for (const e of entries) {
      const day = utcDay(new Date(e.timestamp)).getTime();
      if (this.covered(day)) {
        viaStore.push(e);
        continue;
      }
      (byDay.get(day) ?? byDay.set(day, []).get(day)!).push(e);
      if (!e.apiKeyId || e.status >= 400) continue;
      this.lastUsed.set(e.apiKeyId, Math.max(this.lastUsed.get(e.apiKeyId) ?? 0, e.timestamp));
      if (e.scopeUsed) {
        const k = `${e.apiKeyId}|${e.scopeUsed}`;
        if ((this.scopeUsed.get(k)?.at ?? -1) < e.timestamp)
          this.scopeUsed.set(k, { apiKeyId: e.apiKeyId, scope: e.scopeUsed, at: e.timestamp });
      }
    }
    const k = this.logDb.kysely;
    if (viaStore.length) await this.store(viaStore);
    for (const [day, rows] of byDay) {
      const table = sql.table(partitionName(new Date(day)));
      if (!this.days.has(day)) {
        await sql`CREATE TABLE ${table} (LIKE ${sql.table(LOG_TABLE)} INCLUDING DEFAULTS INCLUDING STATISTICS)`.execute(
          k,
        );
        this.days.add(day);
      }
      // COPY in text format: the cheapest way in for both this process and the server.
      const text = rows
        .map((e) => {
          const v = logValues(e, (ms) => this.logDb.time(ms));
          return LOG_COLUMNS.map((c) => copyText(v[c])).join("\t");
        })
        .join("\n");
      const client = await this.logDb.pool.connect();
      try {
        const columns = LOG_COLUMNS.map((c) => `"${c}"`).join(", ");
        await pipeline(
          Readable.from([`${text}\n`]),
          client.query(copyFrom(`COPY "${partitionName(new Date(day))}" (${columns}) FROM STDIN`)),
        );
      } finally {
        client.release();
      }
    }
    return entries.length;
  }

  /** Rollups per day, attach every day (index builds), partitions ahead, usage, then ANALYZE. */
  async finish(log: (line: string) => void): Promise<void> {
    const k = this.logDb.kysely;
    for (const day of [...this.days].sort((a, b) => a - b)) {
      const name = partitionName(new Date(day));
      const started = performance.now();
      await rollupsFrom(sql.table(name)).execute(k);
      const rolled = performance.now();
      await sql`ALTER TABLE ${sql.table(LOG_TABLE)} ATTACH PARTITION ${sql.table(name)}
        FOR VALUES FROM (${sql.lit(this.logDb.time(day))}) TO (${sql.lit(this.logDb.time(day + DAY_MS))})`.execute(k);
      log(
        `${name}: rollups ${((rolled - started) / 1000).toFixed(1)} s, attach (index builds) ${((performance.now() - rolled) / 1000).toFixed(1)} s`,
      );
    }
    // Days between the seeded ones and a few ahead, as the maintenance job keeps them.
    const first = Math.min(...this.days);
    await ensurePartitions(this.logDb.pool, new Date(first), Math.ceil((Date.now() - first) / DAY_MS) + 3);
    const keys = [...this.lastUsed].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [apiKeyId, at] of keys)
      await sql`UPDATE "ApiKey" SET "lastUsedAt" = ${this.logDb.time(at)}::timestamp(3)
        WHERE "id" = ${apiKeyId} AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ${this.logDb.time(at)}::timestamp(3))`.execute(
        k,
      );
    for (const u of this.scopeUsed.values())
      await sql`INSERT INTO "KeyScopeUsage" ("apiKeyId", "scope", "lastUsedAt")
        VALUES (${u.apiKeyId}, ${u.scope}, ${this.logDb.time(u.at)}::timestamp(3))
        ON CONFLICT ("apiKeyId", "scope") DO UPDATE SET "lastUsedAt" = greatest("KeyScopeUsage"."lastUsedAt", excluded."lastUsedAt")`.execute(
        k,
      );
  }
}

/** A value in COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
function copyText(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  return String(v).replace(/[\\\t\n\r]/g, (ch) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[ch]!);
}
