import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createKeyRoute } from "./keys/route";
import { PATCH as updateKeyRoute } from "./keys/[keyId]/route";
import { POST as rotateKeyRoute } from "./keys/[keyId]/rotate/route";
import { POST as revokeKeyRoute } from "./keys/[keyId]/revoke/route";
import { POST as createOfferRoute } from "./offers/route";
import { GET as listInventoryRoute } from "./inventory/route";
import {
  call,
  captureLogs,
  credsOf,
  expectErrorBody,
  makeItem,
  makeKey,
  makeUser,
  overrideServices,
} from "@/test/fixtures";
import { canMountTmpfs, mountTmpfs, TMPFS_SKIP_REASON, type Tmpfs } from "@/test/storage-faults";
import { SCOPES } from "@/lib/scopes";
import { closeServices } from "@/lib/services";

/**
 * Every write the partner API offers answers 503 storage_unavailable (whole body, Retry-After) within a
 * second while the database cannot take it, reads go on, and the same process writes again once the fault
 * clears. Where mounting is allowed, this file's database lives on a tiny tmpfs so "disk full" is real.
 */

let fsys: Tmpfs | null = null;
let dbFile = process.env.DATABASE_URL!.replace(/^file:/, "");

beforeAll(() => {
  if (!canMountTmpfs()) return;
  // Before the first db() call: this file's client and log writer open the copy on the small file system.
  fsys = mountTmpfs(8 * 1024 * 1024);
  const file = path.join(fsys.dir, "keyward.db");
  fs.copyFileSync(dbFile, file);
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL"); // as prepare-data sets it: SQLite then writes at COMMIT
  sqlite.close();
  dbFile = file;
  process.env.DATABASE_URL = `file:${file}`;
  process.env.KEYWARD_DATA_DIR = fsys.dir;
});
afterAll(async () => {
  fsys?.free();
  // Flush the log and close the clients before the small file system goes away.
  await closeServices();
  fsys?.unmount();
});

const MESSAGE =
  "Storage unavailable: the server cannot write to its database right now (disk full, read-only or busy). Nothing was changed; retry in a few seconds.";

async function fixtures() {
  const owner = await makeUser();
  const admin = credsOf(await makeKey(owner, { scopes: [...SCOPES] }));
  const child = (await makeKey(owner, { name: "child", scopes: ["inventory:read"] })).key.keyId;
  const item = await makeItem();
  return { admin, child, item };
}

type Fixtures = Awaited<ReturnType<typeof fixtures>>;

/** The partner API's writes: each goes through a Prisma transaction. */
function writes({ admin, child, item }: Fixtures) {
  const k = { key: admin, params: { keyId: child } };
  return {
    "create key": () =>
      call(createKeyRoute, { method: "POST", path: "/api/v1/keys", key: admin, body: { name: "during fault" } }),
    "patch key": () =>
      call(updateKeyRoute, { method: "PATCH", path: `/api/v1/keys/${child}`, ...k, body: { name: "renamed" } }),
    "rotate key": () => call(rotateKeyRoute, { method: "POST", path: `/api/v1/keys/${child}/rotate`, ...k }),
    "create offer": () =>
      call(createOfferRoute, {
        method: "POST",
        path: "/api/v1/offers",
        key: admin,
        body: { inventoryItemId: item.id, amountCents: 10_000, currency: "USD" },
      }),
    "revoke key": () =>
      call(revokeKeyRoute, { method: "POST", path: `/api/v1/keys/${child}/revoke`, ...k, body: { reason: "done" } }),
  };
}

const SUCCESS: Record<string, number> = {
  "create key": 201,
  "patch key": 200,
  "rotate key": 200,
  "create offer": 201,
  "revoke key": 200,
};

/**
 * All writes at once: each is refused after one bounded wait (500 ms), not queued behind the others. The bound
 * here is looser than the design (a loaded CI machine stretches it); five writes waiting in turn would need 2.5 s.
 */
async function expectAllRefused(f: Fixtures) {
  const started = performance.now();
  const answers = await Promise.all(
    Object.entries(writes(f)).map(async ([name, write]) => {
      const res = await write();
      return { name, res, ms: performance.now() - started };
    }),
  );
  for (const { name, res, ms } of answers) {
    expectErrorBody(res, { status: 503, code: "storage_unavailable", message: MESSAGE });
    expect(res.headers.get("retry-after"), name).toBe("5");
    expect(ms, `${name} answered in ${Math.round(ms)} ms`).toBeLessThan(2000);
  }
  const read = await call(listInventoryRoute, { path: "/api/v1/inventory", key: f.admin });
  expect(read.status).toBe(200);
}

async function expectAllSucceed(f: Fixtures) {
  for (const [name, write] of Object.entries(writes(f))) {
    const res = await write();
    expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(SUCCESS[name]);
  }
}

describe("storage unavailable, then recovered without a restart", () => {
  it("a stalled database (another process holds the write lock): 503 within a second, then writes again", async () => {
    const restore = overrideServices({ logger: () => captureLogs().logger });
    const f = await fixtures();
    const holder = new Database(dbFile);
    holder.prepare("BEGIN IMMEDIATE").run();
    try {
      await expectAllRefused(f);
    } finally {
      holder.prepare("ROLLBACK").run();
      holder.close();
    }
    await expectAllSucceed(f);
    restore();
  });

  it.skipIf(!canMountTmpfs())(`a full disk: 503 within a second, then writes again once space is freed`, async () => {
    const { logger, events } = captureLogs();
    const restore = overrideServices({ logger: () => logger });
    const f = await fixtures();
    fsys!.fill();
    try {
      await expectAllRefused(f);
      // Twice: the first failed COMMIT used to freeze every later write.
      await expectAllRefused(f);
    } finally {
      fsys!.free();
    }
    await expectAllSucceed(f);
    // One line per refused request, none with a stack.
    const errors = events().filter((e) => e.level === "error");
    expect(errors.filter((e) => /storage unavailable \(SQLITE_FULL/.test(String(e.msg))).length).toBeGreaterThanOrEqual(
      10,
    );
    expect(errors.filter((e) => e.err !== undefined)).toEqual([]);
    restore();
  });
});

if (!canMountTmpfs()) console.warn(`[storage-unavailable.error.test] disk-full case skipped: ${TMPFS_SKIP_REASON}`);
