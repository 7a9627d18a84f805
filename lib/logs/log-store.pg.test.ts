import { afterAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { keyLogIdentity, logEntry, makeKey, makeUser } from "@/test/fixtures";
import { db } from "../db";
import { openLogDb, type LogDb, type PostgresLogDb } from "../db/log-db";
import { PG_PREPARED_MAX_ROWS, storeLogBatch } from "./log-store";
import type { LogEntry } from "./log-entry";
import { bucketIndex } from "./latency-histogram";

/**
 * Several instances writing the log at once on PostgreSQL: each writer has its own pool (as each instance has),
 * all write into the same rollup rows, and no count is lost; replaying every batch (a spool replayed after a
 * crash) changes nothing.
 */
const WRITERS = 4;
const BATCHES = 6;
const PER_BATCH = 250;
const T0 = Date.parse("2026-04-01T10:00:00.000Z");

const writers: LogDb[] = Array.from({ length: WRITERS }, () => openLogDb(process.env.DATABASE_URL!, { poolSize: 2 }));
/** One connection: what it prepared is visible to the next query through the same pool. */
const single = openLogDb(process.env.DATABASE_URL!, { poolSize: 1 }) as PostgresLogDb;
afterAll(() => Promise.all([...writers, single].map((w) => w.close())));

function batches(route: string): LogEntry[][] {
  const out: LogEntry[][] = [];
  for (let b = 0; b < WRITERS * BATCHES; b++) {
    out.push(
      Array.from({ length: PER_BATCH }, (_, i) =>
        logEntry({
          requestId: `req_conc_${route.length}_${b}_${i}`,
          // Two minutes, one hour, two keys, two status classes: every writer hits the same few rollup rows.
          timestamp: T0 + ((b + i) % 2) * 60_000 + i,
          apiKeyId: `key-${i % 2}`,
          ownerId: "owner-conc",
          route,
          status: i % 5 === 0 ? 500 : 200,
          latencyMs: 1 + ((b * PER_BATCH + i) % 97),
        }),
      ),
    );
  }
  return out;
}

/** Each writer stores its share of the batches, all writers at once. */
async function writeConcurrently(all: LogEntry[][]): Promise<number> {
  const counts = await Promise.all(
    writers.map(async (w, wi) => {
      let n = 0;
      for (let b = wi; b < all.length; b += WRITERS) n += await storeLogBatch(w, all[b]!);
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function rollupTotals(route: string) {
  const k = writers[0]!.kysely;
  return k
    .selectFrom("RequestRollup")
    .select((eb) => [
      "resolution",
      eb.fn.sum<number>("count").as("count"),
      eb.fn.max("latencyMaxMs").as("max"),
      eb.fn.sum<number>("latencySumMs").as("sum"),
      eb.fn.sum<number>("h0").as("h0"),
      eb.fn.sum<number>("h11").as("h11"),
    ])
    .where("route", "=", route)
    .groupBy("resolution")
    .orderBy("resolution")
    .execute();
}

describe("log writes on PostgreSQL", () => {
  it("several writers adding to the same rollup rows at once never lose a count", async () => {
    const route = "/api/v1/concurrent";
    const all = batches(route);
    const entries = all.flat();
    expect(await writeConcurrently(all)).toBe(entries.length);

    const totals = await rollupTotals(route);
    const max = Math.max(...entries.map((e) => e.latencyMs));
    const sum = entries.reduce((s, e) => s + e.latencyMs, 0);
    const h0 = entries.filter((e) => bucketIndex(e.latencyMs) === 0).length;
    const h11 = entries.filter((e) => bucketIndex(e.latencyMs) === 11).length;
    for (const resolution of ["hour", "minute"]) {
      const t = totals.find((r) => r.resolution === resolution)!;
      expect(Number(t.count)).toBe(entries.length);
      expect(Number(t.max)).toBe(max);
      expect(Number(t.sum)).toBeCloseTo(sum, 6);
      expect(Number(t.h0)).toBe(h0);
      expect(Number(t.h11)).toBe(h11);
    }
    const raw = await writers[0]!.kysely
      .selectFrom("RequestLog")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("route", "=", route)
      .executeTakeFirstOrThrow();
    expect(Number(raw.n)).toBe(entries.length);
  });

  it("replaying every batch at once (spools of crashed instances) stores and counts nothing twice", async () => {
    const route = "/api/v1/replayed";
    const all = batches(route);
    expect(await writeConcurrently(all)).toBe(all.flat().length);
    const before = await rollupTotals(route);
    expect(await writeConcurrently(all)).toBe(0);
    expect(await rollupTotals(route)).toEqual(before);
  });
});

async function rawCount(route: string): Promise<number> {
  const r = await single.kysely
    .selectFrom("RequestLog")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("route", "=", route)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function minuteCount(route: string): Promise<number> {
  const r = await single.kysely
    .selectFrom("RequestRollup")
    .select((eb) => eb.fn.sum<number>("count").as("n"))
    .where("route", "=", route)
    .where("resolution", "=", "minute")
    .executeTakeFirstOrThrow();
  return Number(r.n ?? 0);
}

/** What a statement sent on a connection is: a transaction command, the COPY, or which batch statement. */
function kindOf(q: unknown): string {
  if (typeof q === "string") return q;
  const text = (q as { text?: string }).text ?? "";
  if (text.startsWith("COPY")) return "copy";
  if (text.includes('ON CONFLICT ("timestamp", "id") DO NOTHING')) return "replay";
  if (text.includes('INSERT INTO "RequestRollup"')) return "grouped";
  return text;
}

/**
 * Records what is sent on every connection (pool.query checks a client out and calls its query too), and lets a
 * test refuse some of it: `refuse(kind)` returns the error a statement of that kind fails with, if any.
 */
function recordSent(refuse: (kind: string) => Error | undefined = () => undefined) {
  const real = pg.Client.prototype.query;
  const sent: { kind: string; name?: string }[] = [];
  const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const q = args[0];
    const kind = kindOf(q);
    sent.push({ kind, name: (q as { name?: string }).name });
    const err = refuse(kind);
    if (err) return Promise.reject(err);
    return (real as (...a: unknown[]) => unknown).apply(this, args);
  } as never);
  return {
    sent,
    kinds: () => sent.map((q) => q.kind),
    clear: () => (sent.length = 0),
    restore: () => spy.mockRestore(),
  };
}

const FRESH = ["BEGIN", "copy", "grouped", "COMMIT"];
const STORED = ["BEGIN", "copy", "ROLLBACK", "replay"];

describe("a flush on PostgreSQL", () => {
  it("a fresh batch is one transaction: a binary COPY of its rows, then its rollups and usage as one prepared statement", async () => {
    const route = "/api/v1/one-transaction";
    const rec = recordSent();
    try {
      for (let b = 0; b < 3; b++) {
        const batch = Array.from({ length: 20 }, (_, i) => logEntry({ route, timestamp: T0 + b * 1000 + i }));
        rec.clear();
        expect(await storeLogBatch(single, batch)).toBe(20);
        expect(rec.kinds()).toEqual(FRESH);
        expect(rec.sent[2]!.name).toMatch(/^keyward_log_[0-9a-f]{12}$/);
      }
    } finally {
      rec.restore();
    }
    // Prepared once on the one connection, and reused by every later flush.
    const { rows } = await single.pool.query<{ name: string }>(
      "SELECT name FROM pg_prepared_statements WHERE name LIKE 'keyward_log_%'",
    );
    expect(rows).toHaveLength(1);
    expect(await rawCount(route)).toBe(60);
    expect(await minuteCount(route)).toBe(60);
  });

  it("copies a fresh part; a part holding a stored entry is rolled back and sent again, skipping what is stored", async () => {
    const route = "/api/v1/copy-then-skip";
    const batch = Array.from({ length: 30 }, (_, i) => logEntry({ route, timestamp: T0 + i }));
    const rec = recordSent();
    try {
      expect(await storeLogBatch(single, batch.slice(0, 15))).toBe(15);
      expect(rec.kinds()).toEqual(FRESH);
      rec.clear();
      // Parts of 10: the first part is all stored, the second half stored, the third fresh.
      expect(await storeLogBatch(single, batch, { partRows: 10 })).toBe(15);
      expect(rec.kinds()).toEqual([...STORED, ...STORED, ...FRESH]);
      rec.clear();
      // Any other refusal is not retried as a replay: the batch fails, and the writer retries it later.
      const refused = logEntry({ route, timestamp: T0 + 500, method: null as unknown as string });
      await expect(storeLogBatch(single, [refused])).rejects.toThrow(/null value in column "method"/);
      expect(rec.kinds()).toEqual(["BEGIN", "copy", "ROLLBACK"]);
    } finally {
      rec.restore();
    }
    expect(await rawCount(route)).toBe(30);
    expect(await minuteCount(route)).toBe(30);
  });

  it("a part's raw rows and rollups commit together: a failed rollup statement leaves neither, and the retry counts once", async () => {
    const route = "/api/v1/rolled-back";
    const batch = Array.from({ length: 12 }, (_, i) => logEntry({ route, timestamp: T0 + i * 7_000 }));
    const rec = recordSent((kind) =>
      kind === "grouped" ? new Error("canceling statement due to user request") : undefined,
    );
    try {
      await expect(storeLogBatch(single, batch)).rejects.toThrow("canceling statement");
      expect(rec.kinds()).toEqual(["BEGIN", "copy", "grouped", "ROLLBACK"]);
    } finally {
      rec.restore();
    }
    expect(await rawCount(route)).toBe(0);
    expect(await minuteCount(route)).toBe(0);
    expect(await storeLogBatch(single, batch)).toBe(12);
    expect(await rawCount(route)).toBe(12);
    expect(await minuteCount(route)).toBe(12);
  });

  it("a connection lost mid-transaction (its backend terminated) fails the batch, not the process; the next flush works", async () => {
    const route = "/api/v1/terminated";
    const batch = Array.from({ length: 5 }, (_, i) => logEntry({ route, timestamp: T0 + i }));
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    const waitingCopy = `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND query LIKE 'COPY "RequestLog"%' AND wait_event_type = 'Lock'`;
    try {
      // The COPY waits behind this lock, inside the writer's transaction; then its backend is ended.
      await locker.query("BEGIN");
      await locker.query('LOCK TABLE "RequestLog" IN ACCESS EXCLUSIVE MODE');
      const writing = storeLogBatch(single, batch);
      writing.catch(() => undefined);
      await expect.poll(async () => (await locker.query(waitingCopy)).rows.length, { timeout: 15_000 }).toBe(1);
      await locker.query(`SELECT pg_terminate_backend(pid) FROM (${waitingCopy}) AS w`);
      await expect(writing).rejects.toThrow(/terminat/);
      // The connection's 'error' event comes with or after the failed query: give it a turn or two.
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await locker.query("ROLLBACK");
      await locker.end();
      process.off("uncaughtException", onUncaught);
    }
    expect(uncaught).toEqual([]);
    // The broken connection was closed, not handed to the next flush; nothing of the batch was stored.
    expect(single.pool.totalCount).toBe(0);
    expect(await rawCount(route)).toBe(0);
    expect(await storeLogBatch(single, batch)).toBe(5);
    expect(await minuteCount(route)).toBe(5);
  });

  it("a big batch goes in parts, every row stored and counted once; a big replayed part goes unprepared", async () => {
    const route = "/api/v1/big-batch";
    const n = PG_PREPARED_MAX_ROWS + 50;
    const batch = Array.from({ length: n }, (_, i) => logEntry({ route, timestamp: T0 + i }));
    // The same entry twice, in two different parts: stored and counted once.
    batch.push({ ...batch[3]! });
    const rec = recordSent();
    try {
      expect(await storeLogBatch(single, batch, { partRows: 400 })).toBe(n);
      expect(rec.kinds()).toEqual(Array.from({ length: Math.ceil(n / 400) }, () => FRESH).flat());
      rec.clear();
      // Replayed (every row stored): in parts within the prepared size the replay statement is named; a part above
      // it is planned for its own size (unnamed).
      expect(await storeLogBatch(single, batch.slice(0, 800), { partRows: 400 })).toBe(0);
      expect(rec.sent.filter((q) => q.kind === "replay").map((q) => q.name?.startsWith("keyward_log_"))).toEqual([
        true,
        true,
      ]);
      rec.clear();
      expect(await storeLogBatch(single, batch)).toBe(0);
      expect(rec.sent.filter((q) => q.kind === "replay").map((q) => q.name)).toEqual([undefined]);
    } finally {
      rec.restore();
    }
    expect(await rawCount(route)).toBe(n);
    expect(await minuteCount(route)).toBe(n);
  });

  it("sends a batch's parts one at a time (the next is built meanwhile, never sent alongside)", async () => {
    const route = "/api/v1/pipelined";
    const n = 1_000;
    const batch = Array.from({ length: n }, (_, i) => logEntry({ route, timestamp: T0 + i }));
    const connect = single.pool.connect.bind(single.pool) as (cb?: unknown) => Promise<pg.PoolClient>;
    let inFlight = 0;
    let most = 0;
    let parts = 0;
    const spy = vi.spyOn(single.pool, "connect").mockImplementation(((cb?: unknown) => {
      // The pool's own query() checks out with a callback: those pass through (a replayed part would take that path).
      if (cb) return connect(cb);
      return checkOut();
    }) as never);
    const checkOut = async () => {
      const client = await connect();
      inFlight++;
      parts++;
      most = Math.max(most, inFlight);
      const release = client.release.bind(client);
      client.release = ((err?: Error | boolean) => {
        inFlight--;
        client.release = release;
        release(err);
      }) as typeof client.release;
      return client;
    };
    try {
      expect(await storeLogBatch(single, batch, { partRows: 100 })).toBe(n);
    } finally {
      spy.mockRestore();
    }
    expect(parts).toBe(10);
    // Two parts at once would wait on the same rollup rows (and once measured slower, not faster).
    expect(most).toBe(1);
    expect(await rawCount(route)).toBe(n);
    expect(await minuteCount(route)).toBe(n);
  });

  it("rollups match the stored rows, written fresh and in a replay (bounds, rounding, no key, hour boundary)", async () => {
    // Latencies on and just off the histogram's bounds (5.0004 is stored as 5.000, in the "<= 5" bucket), keys
    // and no key, three minutes across an hour boundary, four status classes.
    const latencies = [1, 1.0004, 2, 4.9996, 5.0004, 10, 25.5, 99.9999, 250, 999.9996, 2500, 4000];
    const entries = (route: string) =>
      Array.from({ length: 240 }, (_, i) =>
        logEntry({
          route,
          timestamp: Date.parse("2026-04-01T10:58:30.000Z") + i * 500,
          apiKeyId: i % 5 === 0 ? null : `key-${i % 3}`,
          ownerId: i % 5 === 0 ? null : "owner-rollups",
          partner: i % 5 === 0 ? null : "Partner R",
          method: i % 2 ? "GET" : "POST",
          status: [200, 301, 404, 503][i % 4]!,
          latencyMs: latencies[i % latencies.length]!,
        }),
      );
    const fresh = entries("/api/v1/rollups-fresh");
    expect(await storeLogBatch(single, fresh)).toBe(fresh.length);
    // A replay holding one stored row: only the rows it did store are counted.
    const replayed = entries("/api/v1/rollups-replay");
    expect(await storeLogBatch(single, replayed.slice(0, 1))).toBe(1);
    expect(await storeLogBatch(single, replayed)).toBe(replayed.length - 1);

    for (const route of ["/api/v1/rollups-fresh", "/api/v1/rollups-replay"]) {
      const raw = await single.kysely
        .selectFrom("RequestLog")
        .select(["timestamp", "apiKeyId", "ownerId", "partner", "method", "statusClass", "latencyMs"])
        .where("route", "=", route)
        .execute();
      expect(raw).toHaveLength(240);
      // The reference: the stored rows grouped here, independently of the store.
      const want = new Map<string, { count: number; sum: number; max: number; hist: number[] }>();
      for (const r of raw) {
        const ms = new Date(r.timestamp as unknown as string | Date).getTime();
        for (const [resolution, size] of [
          ["minute", 60_000],
          ["hour", 3_600_000],
        ] as const) {
          const k = [resolution, Math.floor(ms / size) * size, r.apiKeyId ?? "", r.method, r.statusClass].join("|");
          const g = want.get(k) ?? { count: 0, sum: 0, max: 0, hist: new Array<number>(12).fill(0) };
          g.count++;
          g.sum += r.latencyMs;
          g.max = Math.max(g.max, r.latencyMs);
          g.hist[bucketIndex(r.latencyMs)]!++;
          want.set(k, g);
        }
      }
      const rollups = await single.kysely.selectFrom("RequestRollup").selectAll().where("route", "=", route).execute();
      const got = new Map(
        rollups.map((r) => [
          [
            r.resolution,
            new Date(r.bucketStart as unknown as string | Date).getTime(),
            r.apiKeyId,
            r.method,
            r.statusClass,
          ].join("|"),
          {
            count: r.count,
            sum: r.latencySumMs,
            max: r.latencyMaxMs,
            hist: Array.from({ length: 12 }, (_, h) => (r as unknown as Record<string, number>)[`h${h}`]!),
            owner: [r.ownerId, r.partner],
          },
        ]),
      );
      expect([...got.keys()].sort(), route).toEqual([...want.keys()].sort());
      for (const [k, w] of want) {
        const g = got.get(k)!;
        expect({ count: g.count, max: g.max, hist: g.hist }, `${route} ${k}`).toEqual({
          count: w.count,
          max: w.max,
          hist: w.hist,
        });
        expect(g.sum, `${route} ${k}`).toBeCloseTo(w.sum, 6);
        expect(g.owner).toEqual(k.split("|")[2] ? ["owner-rollups", "Partner R"] : ["", ""]);
      }
    }
  });

  it("a part refused at once (the database down) fails the batch, never as an unhandled rejection", async () => {
    const batch = Array.from({ length: 30 }, (_, i) => logEntry({ route: "/api/v1/refused", timestamp: T0 + i }));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const spy = vi
      .spyOn(single.pool, "connect")
      .mockImplementation((() => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432"))) as never);
    try {
      await expect(storeLogBatch(single, batch, { partRows: 10 })).rejects.toThrow("ECONNREFUSED");
      // Rejections are reported after the turn they happen in: give them two.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      // Only the first part was sent: the second waits for it, and the batch stops at its failure.
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it("a batch that fails part-way, retried, stores and counts every row once", async () => {
    const route = "/api/v1/part-failed";
    const good = Array.from({ length: 12 }, (_, i) => logEntry({ route, timestamp: T0 + i }));
    // The third part holds a row the table refuses (method is NOT NULL): the first two parts are committed.
    const bad = logEntry({ route, timestamp: T0 + 100, method: null as unknown as string });
    await expect(
      storeLogBatch(single, [...good.slice(0, 8), bad, ...good.slice(8)], { partRows: 4 }),
    ).rejects.toThrow();
    expect(await rawCount(route)).toBe(8);
    expect(await minuteCount(route)).toBe(8);
    // The writer retries the batch (here without the refused row): only the rows not yet stored are new.
    expect(await storeLogBatch(single, good, { partRows: 4 })).toBe(4);
    expect(await rawCount(route)).toBe(12);
    expect(await minuteCount(route)).toBe(12);
  });

  it("records the keys' last use and the scopes they exercised, newest first, and a replay changes neither", async () => {
    const made = await makeKey(await makeUser(), { scopes: ["inventory:read", "offers:write"] });
    const identity = await keyLogIdentity(made);
    const route = "/api/v1/usage";
    const at = (i: number) => T0 + 3_600_000 + i * 1000;
    const batch = [
      logEntry({ ...identity, route, timestamp: at(1), scopeUsed: "inventory:read" }),
      logEntry({ ...identity, route, timestamp: at(5), scopeUsed: "inventory:read" }),
      logEntry({ ...identity, route, timestamp: at(3), scopeUsed: "offers:write" }),
      // A refusal is not a use of the key.
      logEntry({ ...identity, route, timestamp: at(9), status: 403, scopeUsed: null }),
    ];
    expect(await storeLogBatch(single, batch)).toBe(4);
    const check = async () => {
      const key = await db().apiKey.findUniqueOrThrow({ where: { id: identity.apiKeyId } });
      expect(key.lastUsedAt?.getTime()).toBe(at(5));
      const scopes = await db().keyScopeUsage.findMany({
        where: { apiKeyId: identity.apiKeyId },
        orderBy: { scope: "asc" },
      });
      expect(scopes.map((u) => [u.scope, u.lastUsedAt.getTime()])).toEqual([
        ["inventory:read", at(5)],
        ["offers:write", at(3)],
      ]);
    };
    await check();
    // An older batch replayed later never moves a time back.
    expect(await storeLogBatch(single, batch.slice(0, 1))).toBe(0);
    expect(
      await storeLogBatch(single, [logEntry({ ...identity, route, timestamp: at(2), scopeUsed: "offers:write" })]),
    ).toBe(1);
    await check();
  });
});
