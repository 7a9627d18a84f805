import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { db } from "../db";
import type { LogEntry } from "./log-entry";
import { LogWriter } from "./log-writer";
import { LogSpool } from "./log-spool";
import { services } from "../services";
import { createLogger } from "../logging/logger";
import { captureLogs } from "@/test/fixtures";

const dirs: string[] = [];
function spoolDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-spool-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function entry(overrides: Partial<LogEntry> = {}): LogEntry {
  return {
    requestId: `req_${randomUUID().replace(/-/g, "")}`,
    timestamp: Date.now(),
    apiKeyId: null,
    keyId: "kw_live_0000000000000000",
    keyName: null,
    partner: null,
    ownerId: null,
    environment: null,
    method: "GET",
    route: "/api/v1/inventory",
    path: "/api/v1/inventory",
    status: 401,
    latencyMs: 3.2,
    ip: "203.0.113.10",
    userAgent: null,
    errorCode: "invalid_credentials",
    secretSlot: null,
    scopeUsed: null,
    ...overrides,
  };
}

const storeBatch = (entries: readonly LogEntry[]) => services().logStore.storeBatch(entries);

const INSTANCE = "0123456789abcdef";
/** What the writer logs (its failures), one event a line. */
const logged: string[] = [];
const logger = createLogger(
  { KEYWARD_LOG_LEVEL: "info", KEYWARD_LOG_FORMAT: "json" },
  { write: (line: string) => void logged.push(line) },
);
/** A writer on its own spool folder, as the composition root makes one (this test instance's id, the logger). */
function newWriter(opts: Partial<ConstructorParameters<typeof LogWriter>[0]> = {}) {
  return new LogWriter({ spoolDir: spoolDir(), instanceId: INSTANCE, logger, store: storeBatch, ...opts });
}

const stored = (entries: LogEntry[]) =>
  db().requestLog.count({ where: { requestId: { in: entries.map((e) => e.requestId) } } });
/** Requests counted in the rollups of one route; every resolution must count each request once. */
async function rolledUp(route: string) {
  const sums = await db().requestRollup.groupBy({ by: ["resolution"], where: { route }, _sum: { count: true } });
  const counts = new Set(sums.map((s) => s._sum.count ?? 0));
  expect(sums.map((s) => s.resolution).sort()).toEqual(["hour", "minute"]);
  expect(counts.size).toBe(1);
  return [...counts][0];
}

describe("LogWriter", () => {
  it("close() waits for flushes that size-triggered flushes start while one is in flight", async () => {
    const stores: number[] = [];
    const writer = newWriter({
      maxBatch: 100,
      store: async (entries) => {
        stores.push(entries.length);
        await new Promise((r) => setTimeout(r, 20));
        return entries.length;
      },
    });
    // Microtask-only pauses: the first store is still in flight while the buffer fills several times over.
    for (let i = 0; i < 1000; i++) {
      writer.enqueue(entry());
      await Promise.resolve();
    }
    await writer.close();
    expect(writer.stats.written).toBe(1000);
    expect(stores.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(writer.pending()).toBe(0);
  });

  it("a failing store is retried on the next flush and loses nothing", async () => {
    let failures = 1;
    const store = vi.fn(async (entries: readonly LogEntry[]) => {
      if (failures-- > 0) throw new Error("database is locked");
      return services().logStore.storeBatch(entries);
    });
    const flushes: boolean[] = [];
    const writer = newWriter({ store, onFlush: (_s, _n, failed) => flushes.push(failed) });
    const route = "/test/retry";
    const first = [entry({ route }), entry({ route }), entry({ route })];
    for (const e of first) writer.enqueue(e);
    await writer.flush();
    expect(writer.stats.failedFlushes).toBe(1);
    expect(writer.pending()).toBe(3);
    expect(await stored(first)).toBe(0);
    expect(JSON.parse(logged.at(-1)!)).toMatchObject({
      level: "error",
      msg: "request log: writing to the database failed; 3 entries are held (memory and spool) and retried every 250 ms",
      err: { message: "database is locked" },
    });

    const later = entry({ route });
    writer.enqueue(later);
    await writer.flush();
    expect(writer.pending()).toBe(0);
    expect(await stored([...first, later])).toBe(4);
    expect(await rolledUp(route)).toBe(4);
    // The failed batch is retried first, then the later one, each once.
    expect(store.mock.calls.map((c) => c[0].length)).toEqual([3, 3, 1]);
    // Each attempt is reported (the flush latency histogram and the failed-flush counter).
    expect(flushes).toEqual([true, false, false]);
    await writer.close();
  });

  it("a batch that committed but reported failure is not written twice on retry", async () => {
    let first = true;
    const writer = newWriter({
      store: async (entries) => {
        const n = await services().logStore.storeBatch(entries);
        if (first) {
          first = false;
          throw new Error("connection reset after commit");
        }
        return n;
      },
    });
    const route = "/test/ambiguous";
    const batch = [entry({ route }), entry({ route })];
    for (const e of batch) writer.enqueue(e);
    await writer.flush();
    await writer.flush();
    expect(writer.pending()).toBe(0);
    expect(await stored(batch)).toBe(2);
    expect(await rolledUp(route)).toBe(2);
    await writer.close();
  });

  it("spools each entry before the flush and removes the segment once stored", async () => {
    const dir = spoolDir();
    const writer = newWriter({ spoolDir: dir });
    const e = entry();
    // Written by the end of this event-loop turn; the promise settles once it is on disk.
    await writer.enqueue(e);
    const segments = fs.readdirSync(dir);
    expect(segments).toHaveLength(1);
    // Named by the instance, not the process: a restart on this data folder knows the segment is its own.
    expect(segments[0]).toMatch(new RegExp(`^seg-${INSTANCE}-[0-9a-f]{8}-\\d+-\\d{6}\\.jsonl$`));
    expect(LogSpool.read(path.join(dir, segments[0]!))).toEqual([e]);
    expect(writer.spoolBytes()).toBe(JSON.stringify(e).length + 1);
    await writer.flush();
    expect(fs.readdirSync(dir)).toEqual([]);
    await writer.close();
  });

  it("close() flushes what is buffered", async () => {
    const writer = newWriter({ flushIntervalMs: 60_000 });
    writer.start();
    const batch = [entry(), entry()];
    for (const e of batch) writer.enqueue(e);
    await writer.close();
    expect(await stored(batch)).toBe(2);
    expect(() => writer.enqueue(entry())).toThrow("log writer is closed");
  });

  it("entries enqueued in one event-loop turn after its first wait for one shared write at the turn's end", async () => {
    const dir = spoolDir();
    const writer = newWriter({ spoolDir: dir });
    const batch = Array.from({ length: 50 }, () => entry());
    const spooled = batch.map((e) => writer.enqueue(e));
    // Only the turn's first entry is written yet; the group commit of the others runs at the end of the turn.
    expect(LogSpool.read(path.join(dir, fs.readdirSync(dir)[0]!))).toEqual([batch[0]]);
    await Promise.all(spooled);
    const segments = fs.readdirSync(dir);
    expect(segments).toHaveLength(1);
    expect(LogSpool.read(path.join(dir, segments[0]!))).toEqual(batch);
    await writer.close();
  });

  it("a failing spool is counted, not thrown: the entry still reaches the database", async () => {
    const dir = spoolDir();
    const writer = newWriter({ spoolDir: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.writeFileSync(dir, "not a folder"); // opening a segment inside it fails (ENOTDIR)
    const e = entry();
    await expect(writer.enqueue(e)).resolves.toBeUndefined();
    expect(writer.stats.spoolErrors).toBe(1);
    await writer.flush();
    expect(await stored([e])).toBe(1);
    await writer.close();
    fs.rmSync(dir, { force: true });
  });
});

describe("LogWriter under a storage outage", () => {
  const full = () => Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });

  it("logs one line when flushes start failing and one when they recover, and loses nothing", async () => {
    const { logger, events } = captureLogs();
    let failures = 10;
    const writer = newWriter({
      logger,
      store: async (entries) => {
        if (failures-- > 0) throw full();
        return storeBatch(entries);
      },
    });
    const all: LogEntry[] = [];
    for (let i = 0; i < 10; i++) {
      const e = entry();
      all.push(e);
      await writer.enqueue(e);
      await writer.flush();
    }
    expect(writer.stats.failedFlushes).toBe(10);
    expect(writer.pending()).toBe(10);
    expect(events().map((e) => [e.level, e.msg, e.err])).toEqual([
      [
        "error",
        "request log: writing to the database failed; 1 entries are held (memory and spool) and retried every 250 ms",
        "SQLITE_FULL: database or disk is full",
      ],
    ]);

    await writer.flush();
    expect(writer.pending()).toBe(0);
    expect(await stored(all)).toBe(10);
    expect(events()).toHaveLength(2);
    expect(events()[1]).toMatchObject({ level: "info" });
    expect(events()[1]!.msg).toMatch(
      /^request log: database writes recovered after 10 failed flushes over \d+\.\d s; every held entry is stored \(10 new rows\)$/,
    );
    await writer.close();
  });

  it("logs one line when spool appends start failing and one when they work again", async () => {
    const { logger, events } = captureLogs();
    const realWrite = fs.writeSync;
    let refuse = true;
    vi.spyOn(fs, "writeSync").mockImplementation(((...args: Parameters<typeof fs.writeSync>) => {
      if (refuse) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
      return (realWrite as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync);
    const writer = newWriter({ logger });
    const during = Array.from({ length: 5 }, () => entry());
    for (const e of during) await writer.enqueue(e);
    expect(writer.stats.spoolErrors).toBe(5);
    expect(events().map((e) => [e.level, e.msg, e.err])).toEqual([
      [
        "error",
        "request log: the spool cannot be written; entries stay in memory until the database takes them (a crash now would lose them)",
        "ENOSPC: no space left on device",
      ],
    ]);
    refuse = false;
    await writer.enqueue(entry());
    await writer.enqueue(entry());
    expect(events()).toHaveLength(2);
    expect(events()[1]!.msg).toMatch(
      /^request log: the spool is writable again after 5 entries could not be spooled over \d+\.\d s$/,
    );
    // The entries that missed the spool still reach the database from memory.
    await writer.flush();
    expect(await stored(during)).toBe(5);
    await writer.close();
  });

  it("the first entry of an event-loop turn is written at once; the turn's later entries share one write", async () => {
    const spool = new LogSpool(spoolDir(), INSTANCE);
    const writes = vi.spyOn(fs, "writeSync");
    const [first, ...rest] = [entry(), entry(), entry(), entry()];
    const firstWritten = spool.append(first!);
    // Written before append returned: a lone request does not wait for the turn to end.
    expect(writes).toHaveBeenCalledTimes(1);
    const restWritten = rest.map((e) => spool.append(e));
    expect(writes).toHaveBeenCalledTimes(1);
    await Promise.all([firstWritten, ...restWritten]);
    expect(writes).toHaveBeenCalledTimes(2);
    // The next turn starts afresh.
    await spool.append(entry());
    expect(writes).toHaveBeenCalledTimes(3);
    expect(LogSpool.read(spool.cut()!)).toHaveLength(5);
  });

  it("a write cut short by a full disk leaves a torn line that replay skips; the next entries start a new line", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const dir = spoolDir();
    const spool = new LogSpool(dir, INSTANCE);
    const realWrite = fs.writeSync;
    let call = 0;
    vi.spyOn(fs, "writeSync").mockImplementation(((fd: number, data: Buffer | string, ...rest: unknown[]) => {
      call++;
      // First call: the kernel takes only part of the text; the retry for the rest meets ENOSPC.
      if (call === 1) return (realWrite as (...a: unknown[]) => number)(fd, Buffer.from(data), 0, 20);
      if (call === 2) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
      return (realWrite as (...a: unknown[]) => number)(fd, data, ...rest);
    }) as typeof fs.writeSync);
    const torn = entry();
    const later = [entry(), entry()];
    await expect(spool.append(torn)).rejects.toThrow("no space left on device");
    await Promise.all(later.map((e) => spool.append(e)));
    const segment = spool.cut()!;
    expect(LogSpool.read(segment)).toEqual(later);
  });

  it("a stored batch whose segment cannot be deleted yet is not retried; the segment goes on a later flush", async () => {
    const dir = spoolDir();
    const writer = newWriter({ spoolDir: dir });
    const realRm = fs.rmSync;
    const rm = vi.spyOn(fs, "rmSync").mockImplementation(() => {
      throw Object.assign(new Error("read-only file system"), { code: "EROFS" });
    });
    const first = entry();
    await writer.enqueue(first);
    await writer.flush();
    expect(writer.stats.failedFlushes).toBe(0);
    expect(writer.pending()).toBe(0);
    expect(fs.readdirSync(dir)).toHaveLength(1);
    rm.mockImplementation(realRm);
    await writer.enqueue(entry());
    await writer.flush();
    expect(fs.readdirSync(dir)).toEqual([]);
    await writer.close();
  });
});

describe("replayOrphans", () => {
  const writeSegment = (dir: string, name: string, entries: LogEntry[], tornTail = false) =>
    fs.writeFileSync(
      path.join(dir, name),
      entries.map((e) => JSON.stringify(e) + "\n").join("") + (tornTail ? '{"requestId":"req_torn","times' : ""),
    );
  // A segment this instance's previous run left (another spool session, stopped).
  const previousRun = (n: number) => `seg-${INSTANCE}-0badc0de-170000000000${n}-000000.jsonl`;

  it("inserts a stopped run's segment once, even when the same entries are replayed again", async () => {
    const dir = spoolDir();
    const route = "/test/replay";
    const entries = [entry({ route }), entry({ route }), entry({ route })];
    writeSegment(dir, previousRun(0), entries, true);
    const writer = newWriter({ spoolDir: dir });

    expect(await writer.replayOrphans()).toBe(3);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(await stored(entries)).toBe(3);

    // The same segment again (a crash between commit and delete): nothing is double counted.
    writeSegment(dir, previousRun(0), entries);
    expect(await writer.replayOrphans()).toBe(0);
    expect(await writer.replayOrphans()).toBe(0);
    expect(await stored(entries)).toBe(3);
    expect(await rolledUp(route)).toBe(3);
    expect(await db().requestLog.count({ where: { requestId: "req_torn" } })).toBe(0);
    await writer.close();
  });

  it("skips the entries already stored and inserts the rest; duplicates inside a segment count once", async () => {
    const dir = spoolDir();
    const route = "/test/replay-partial";
    const entries = [entry({ route }), entry({ route }), entry({ route }), entry({ route })];
    await services().logStore.storeBatch(entries.slice(0, 2));
    writeSegment(dir, previousRun(1), [...entries, entries[3]!]);
    const writer = newWriter({ spoolDir: dir });
    expect(await writer.replayOrphans()).toBe(2);
    expect(await stored(entries)).toBe(4);
    expect(await rolledUp(route)).toBe(4);
    await writer.close();
  });

  it("replays segments named by process id (written before instance identities) like any stopped run's", async () => {
    const dir = spoolDir();
    const legacy = [entry(), entry()];
    writeSegment(dir, `seg-${process.pid}-1700000000002-000000.jsonl`, legacy);
    const writer = newWriter({ spoolDir: dir });
    expect(await writer.replayOrphans()).toBe(2);
    expect(await stored(legacy)).toBe(2);
    await writer.close();
  });

  it("never replays a segment a live spool of this process is writing, and replays it once that spool closed", async () => {
    const dir = spoolDir();
    // A first writer whose database is down: its entries stay in its (live) segment.
    const down = newWriter({
      spoolDir: dir,
      store: async () => {
        throw new Error("database is down");
      },
    });
    const e = entry();
    await down.enqueue(e);
    await down.flush();
    expect(down.pending()).toBe(1);

    const other = newWriter({ spoolDir: dir });
    expect(await other.replayOrphans()).toBe(0);
    expect(fs.readdirSync(dir)).toHaveLength(1);

    // close() gives up after five failed flushes and leaves the segment: now nobody writes it.
    await down.close();
    expect(await other.replayOrphans()).toBe(1);
    expect(await stored([e])).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([]);
    await other.close();
  });
});
