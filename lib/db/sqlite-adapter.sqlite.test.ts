import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { PrismaClient } from "./generated/sqlite/client";
import { KeywardSqliteAdapterFactory } from "./sqlite-adapter";
import { isStorageFailure, storageFailureCode } from "./storage-failure";
import { canMountTmpfs, mountTmpfs, type Tmpfs } from "@/test/storage-faults";

/**
 * The repairs in sqlite-adapter.ts, each shown against a real SQLite failure, and the upstream hang shown
 * against the stock adapter (if an upgrade of @prisma/adapter-better-sqlite3 fixes it, those tests fail and
 * say the wrapper's first repair may go).
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fresh copy of the migrated template database, in `dir` (default: this file's data folder). */
function freshDb(dir = process.env.KEYWARD_DATA_DIR!, journal: "wal" | "delete" = "wal"): string {
  const file = path.join(dir, `adapter-${randomUUID()}.db`);
  fs.copyFileSync(path.join(process.env.KEYWARD_TEST_DIR!, "template.db"), file);
  const sqlite = new Database(file);
  sqlite.pragma(`journal_mode = ${journal}`);
  sqlite.close();
  return file;
}

function client(file: string, adapter: "keyward" | "stock", writeWaitMs = 300): PrismaClient {
  const prisma = new PrismaClient({
    adapter:
      adapter === "keyward"
        ? new KeywardSqliteAdapterFactory({ url: `file:${file}` }, { writeWaitMs })
        : new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 50 }),
  });
  cleanups.push(() => prisma.$disconnect());
  return prisma;
}

const newUser = (prisma: PrismaClient, name?: string) =>
  prisma.user.create({ data: { email: `${randomUUID()}@example.test`, passwordHash: "x", name } });

/** A transaction that creates one user (what every key and offer write does: a Prisma interactive transaction). */
const txUser = (prisma: PrismaClient, name?: string) =>
  prisma.$transaction(async (tx) => newUser(tx as PrismaClient, name));

/** Settles within ms, or reports that it hung. */
async function within<T>(
  ms: number,
  promise: Promise<T>,
): Promise<{ settled: "ok" | "error" | "hung"; value?: unknown }> {
  const hung = new Promise<{ settled: "hung" }>((r) => setTimeout(() => r({ settled: "hung" }), ms).unref());
  return Promise.race([
    promise.then(
      (value) => ({ settled: "ok" as const, value }),
      (value: unknown) => ({ settled: "error" as const, value }),
    ),
    hung,
  ]);
}

/**
 * A genuine COMMIT failure that needs no privileges: in rollback-journal mode COMMIT must take the exclusive
 * lock, and another connection's open read transaction refuses it (SQLITE_BUSY at COMMIT).
 */
function holdReadLock(file: string): () => void {
  const reader = new Database(file);
  reader.prepare("BEGIN").run();
  reader.prepare('SELECT COUNT(*) FROM "User"').get();
  const release = () => {
    if (reader.open) {
      reader.prepare("COMMIT").run();
      reader.close();
    }
  };
  cleanups.push(release);
  return release;
}

describe("a failed COMMIT (SQLITE_BUSY at COMMIT: another connection reads, rollback-journal mode)", () => {
  it("stock adapter: the transaction lock is kept, and the next transaction hangs even after the reader left", async () => {
    const file = freshDb(undefined, "delete");
    const prisma = client(file, "stock");
    const releaseReader = holdReadLock(file);
    const first = await within(3000, txUser(prisma));
    expect(first.settled).toBe("error");
    releaseReader();
    expect((await within(1000, txUser(prisma))).settled).toBe("hung");
  });

  it("keyward adapter: the failed commit is rolled back and the lock released; the next transaction commits", async () => {
    const file = freshDb(undefined, "delete");
    const prisma = client(file, "keyward");
    const releaseReader = holdReadLock(file);
    const started = Date.now();
    const first = await within(3000, txUser(prisma, "failed-commit"));
    expect(first.settled).toBe("error");
    expect(storageFailureCode(first.value)).toBeDefined();
    expect(Date.now() - started).toBeLessThan(2000);
    releaseReader();
    const next = await within(5000, txUser(prisma, "after"));
    expect(next.settled).toBe("ok");
    // The failed transaction left nothing behind, and the later write is committed (seen by another connection).
    const other = new Database(file, { readonly: true });
    cleanups.push(() => void other.close());
    const names = other.prepare('SELECT name FROM "User" WHERE name IS NOT NULL').all() as { name: string }[];
    expect(names.map((r) => r.name)).toEqual(["after"]);
  });

  it("keyward adapter: a commit that meets a brief lock waits for it instead of failing", async () => {
    const file = freshDb(undefined, "delete");
    const prisma = client(file, "keyward", 3000);
    const releaseReader = holdReadLock(file);
    setTimeout(releaseReader, 100);
    expect((await within(5000, txUser(prisma))).settled).toBe("ok");
  });
});

describe.skipIf(!canMountTmpfs())("a full disk (tmpfs filled to the last byte; WAL mode, as Keyward runs)", () => {
  let fsys: Tmpfs;
  const setup = () => {
    fsys = mountTmpfs(4 * 1024 * 1024);
    cleanups.push(() => fsys.unmount());
    return freshDb(fsys.dir, "wal");
  };
  // A row larger than the page cache keeps in memory is not needed: in WAL mode SQLite writes at COMMIT.
  const big = "x".repeat(20_000);

  it("stock adapter: COMMIT fails with SQLITE_FULL, and every later transaction hangs after space is freed", async () => {
    const prisma = client(setup(), "stock");
    await newUser(prisma);
    fsys.fill();
    const failed = await within(3000, txUser(prisma, big));
    expect(failed.settled).toBe("error");
    expect(storageFailureCode(failed.value)).toBe("SQLITE_FULL");
    fsys.free();
    expect((await within(1000, txUser(prisma))).settled).toBe("hung");
    // Reads keep working, as the outside test saw.
    expect(await prisma.user.count()).toBe(1);
  });

  it("keyward adapter: SQLITE_FULL fails fast, reads keep working, writes work again once space is freed", async () => {
    const prisma = client(setup(), "keyward");
    await newUser(prisma);
    fsys.fill();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const failed = await within(3000, txUser(prisma, big));
      expect(failed.settled).toBe("error");
      expect(isStorageFailure(failed.value)).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000);
    }
    expect(await prisma.user.count()).toBe(1);
    fsys.free();
    expect((await within(5000, txUser(prisma, big))).settled).toBe("ok");
    expect((await within(5000, newUser(prisma))).settled).toBe("ok");
    expect(await prisma.user.count()).toBe(3);
  });
});

describe("bounded waits", () => {
  it("another process holding the write lock: writes fail within the bound, reads go on, the loop stays free", async () => {
    const file = freshDb();
    const prisma = client(file, "keyward", 300);
    await newUser(prisma);
    const holder = new Database(file);
    holder.prepare("BEGIN IMMEDIATE").run();
    cleanups.push(() => {
      if (holder.inTransaction) holder.prepare("ROLLBACK").run();
      holder.close();
    });

    // The event loop must keep turning while writes wait (SQLite's busy handler would sleep inside the call).
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    cleanups.push(() => clearInterval(ticker));
    const started = Date.now();
    const results = await Promise.all([
      within(5000, txUser(prisma)),
      within(5000, newUser(prisma)),
      within(5000, txUser(prisma)),
      within(5000, newUser(prisma)),
      within(5000, txUser(prisma)),
    ]);
    const elapsed = Date.now() - started;
    expect(results.map((r) => r.settled)).toEqual(["error", "error", "error", "error", "error"]);
    for (const r of results) expect(storageFailureCode(r.value)).toBe("KEYWARD_STORAGE_TIMEOUT");
    // Queued behind each other, each still waits only its own bound: no pile-up (one after another: 1.5 s).
    expect(elapsed).toBeLessThan(1500);
    // SQLite's busy handler would have slept inside each call, freezing the loop for the whole wait.
    expect(ticks).toBeGreaterThanOrEqual(10);
    expect(await prisma.user.count()).toBe(1);

    holder.prepare("ROLLBACK").run();
    expect((await within(5000, txUser(prisma))).settled).toBe("ok");
  });

  it("a transaction of this process held open: the next one waits at most the bound, then runs once it ends", async () => {
    const prisma = client(freshDb(), "keyward", 200);
    let finish!: () => void;
    const open = prisma.$transaction(
      async (tx) => {
        await newUser(tx as PrismaClient);
        await new Promise<void>((r) => (finish = r));
      },
      { timeout: 5000 },
    );
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    const waiting = await within(2000, txUser(prisma));
    expect(waiting.settled).toBe("error");
    expect(storageFailureCode(waiting.value)).toBe("KEYWARD_STORAGE_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(1000);
    finish();
    await open;
    expect((await within(5000, txUser(prisma))).settled).toBe("ok");
    expect(await prisma.user.count()).toBe(2);
  });
});

describe("writes outside a transaction", () => {
  it("wait for another request's open transaction instead of joining it (and vanishing with its rollback)", async () => {
    const prisma = client(freshDb(), "keyward", 2000);
    let abort!: () => void;
    const rolledBack = prisma
      .$transaction(async (tx) => {
        await newUser(tx as PrismaClient, "rolled-back");
        await new Promise<void>((r) => (abort = r));
        throw new Error("changed my mind");
      })
      .catch(() => "rolled back");
    await new Promise((r) => setTimeout(r, 20));
    const independent = newUser(prisma, "independent");
    await new Promise((r) => setTimeout(r, 20));
    abort();
    expect(await rolledBack).toBe("rolled back");
    await independent;
    const names = (await prisma.user.findMany({ where: { name: { not: null } } })).map((u) => u.name);
    expect(names).toEqual(["independent"]);
  });
});
