import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { createKeyWithCli, startKeyward, stopKeyward, type RunningServer } from "./support/server";
import { DEMO, signIn } from "./support/dashboard";
import { canMountTmpfs, mountTmpfs, TMPFS_SKIP_REASON, type Tmpfs } from "../test/storage-faults";

/**
 * Storage faults against the real server (production build, `npm start`): a full disk and a stalled
 * database. Each write answers 503 storage_unavailable within a second instead of hanging or piling up,
 * reads go on, the dashboard says "storage unavailable", every answered request reaches the request log, the
 * server log gets one line per outage rather than a stack per failure, and the same process writes again
 * once the fault clears. The full disk is a real one (a small tmpfs filled to the last byte) where the
 * machine allows mounting; the stall (another process holding SQLite's write lock) runs everywhere.
 */

const BASE_PORT = Number(process.env.E2E_PORT) || 3210;
const STORAGE_MESSAGE =
  "Storage unavailable: the server cannot write to its database right now (disk full, read-only or busy). Nothing was changed; retry in a few seconds.";

type Key = { keyId: string; secret: string };
type Answer = { name: string; status: number; code?: string; retryAfter: string | null; ms: number; requestId: string };

let fsys: Tmpfs | null = null;
let server: RunningServer;
let admin: Key;
let child: string;
let itemId: string;

test.describe.configure({ mode: "serial" });
// The browser talks to this file's server, not to the one Playwright starts for the other specs.
test.use({ baseURL: `http://127.0.0.1:${BASE_PORT + 23}` });
test.setTimeout(180_000);

test.beforeAll(async () => {
  test.setTimeout(240_000);
  if (canMountTmpfs()) fsys = mountTmpfs(64 * 1024 * 1024);
  server = await startKeyward({ port: BASE_PORT + 23, ...(fsys ? { dataDir: fsys.dir } : {}) });
  admin = createKeyWithCli(server.dataDir, [
    "--email",
    DEMO.email,
    "--name",
    "storage-faults",
    "--scopes",
    "inventory:read,offers:read,offers:write,keys:read,keys:write",
  ]);
  child = (await send("create key", "POST", "/api/v1/keys", { name: "child", scopes: ["inventory:read"] })).body.key
    .keyId;
  itemId = (await send("list inventory", "GET", "/api/v1/inventory?limit=1")).body.data[0].id;
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach("server output", { body: server.output() });
});

test.afterAll(async () => {
  fsys?.free();
  if (server) await stopKeyward(server, "SIGTERM");
  fsys?.unmount();
});

async function send(name: string, method: string, urlPath: string, body?: unknown) {
  const started = performance.now();
  const res = await fetch(`${server.baseUrl}${urlPath}`, {
    method,
    headers: {
      "X-API-Key": admin.keyId,
      "X-API-Secret": admin.secret,
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON bodies
  const json = (await res.json()) as any;
  const answer: Answer = {
    name,
    status: res.status,
    code: json?.error?.code,
    retryAfter: res.headers.get("retry-after"),
    ms: performance.now() - started,
    requestId: res.headers.get("x-request-id") ?? "",
  };
  return { answer, body: json };
}

/** The partner API's writes (each a Prisma transaction), all at once. */
async function allWrites(): Promise<Answer[]> {
  const writes = [
    send("create key", "POST", "/api/v1/keys", { name: "during fault" }),
    send("patch key", "PATCH", `/api/v1/keys/${child}`, { name: "renamed" }),
    send("rotate key", "POST", `/api/v1/keys/${child}/rotate`, {}),
    send("create offer", "POST", "/api/v1/offers", { inventoryItemId: itemId, amountCents: 10_000, currency: "USD" }),
  ];
  return (await Promise.all(writes)).map((w) => w.answer);
}

function expectRefused(answers: Answer[]) {
  const times = answers.map((a) => `${a.name} ${Math.round(a.ms)} ms`).join(", ");
  for (const a of answers) {
    expect(a, a.name).toMatchObject({ status: 503, code: "storage_unavailable", retryAfter: "5" });
    expect(a.ms, `${a.name} answered in ${Math.round(a.ms)} ms (all: ${times})`).toBeLessThan(1000);
  }
}

/** Poll a write until it succeeds: how long the same process takes to write again once the fault clears. */
async function timeToRecover(): Promise<number> {
  const cleared = performance.now();
  for (;;) {
    const { answer } = await send("create key", "POST", "/api/v1/keys", { name: "after fault" });
    if (answer.status === 201) return performance.now() - cleared;
    expect(answer.code).toBe("storage_unavailable");
    expect(performance.now() - cleared).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function expectDashboardSaysStorageUnavailable(page: Page) {
  await page.goto("/keys");
  await page.getByRole("button", { name: "Create key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await dialog.getByLabel("Name").fill("during the fault");
  await dialog.getByRole("button", { name: "Data feed: inventory read-only" }).click();
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.getByText(STORAGE_MESSAGE)).toBeVisible();
}

/** Every answered request id is in the request log (after the writer caught up). */
async function expectLogged(requestIds: string[]) {
  const file = path.join(server.dataDir, "keyward.db");
  await expect
    .poll(
      () => {
        const sqlite = new Database(file, { readonly: true });
        try {
          const have = new Set(
            (sqlite.prepare("SELECT requestId FROM RequestLog").all() as { requestId: string }[]).map(
              (r) => r.requestId,
            ),
          );
          return requestIds.filter((id) => !have.has(id));
        } finally {
          sqlite.close();
        }
      },
      { timeout: 10_000 },
    )
    .toEqual([]);
}

function serverLogSince(offset: number) {
  const text = server.output().slice(offset);
  return {
    text,
    count: (re: RegExp) => text.split("\n").filter((l) => re.test(l)).length,
    stackLines: text.split("\n").filter((l) => /^\s+at /.test(l)),
  };
}

function report(label: string, answers: Answer[], recoveredMs: number) {
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  const line = `${label}: ${answers.length} refused writes, time to 503 min ${Math.round(ms[0]!)} / median ${Math.round(ms[Math.floor(ms.length / 2)]!)} / max ${Math.round(ms.at(-1)!)} ms; writes again ${Math.round(recoveredMs)} ms after the fault cleared (same process)`;
  console.log(`[storage-faults] ${line}`);
  test.info().annotations.push({ type: "measured", description: line });
}

test("a full disk: writes answer 503 quickly, reads and the log go on, the same process writes again once space is freed", async ({
  page,
}) => {
  test.skip(!fsys, TMPFS_SKIP_REASON);
  const pid = server.proc.pid;
  await signIn(page, DEMO);
  const logStart = server.output().length;

  // SQLite reuses its write-ahead log file once checkpointed, so a big one lets writes through a full disk
  // for a while (rightly). Start from an empty log so every write needs new space, as on a disk that filled up.
  const sqlite = new Database(path.join(server.dataDir, "keyward.db"));
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();
  fsys!.fill();
  const answers: Answer[] = [];
  const reads: Answer[] = [];
  try {
    // Three rounds: the first failed COMMIT used to freeze every write after it.
    for (let round = 0; round < 3; round++) {
      // Space SQLite gives back (a write-ahead log it truncates) is taken again, as a disk that stays full.
      fsys!.fill();
      const refused = await allWrites();
      expectRefused(refused);
      answers.push(...refused);
      const read = (await send("list inventory", "GET", "/api/v1/inventory?limit=1")).answer;
      expect(read.status).toBe(200);
      reads.push(read);
    }
    fsys!.fill();
    await expectDashboardSaysStorageUnavailable(page);
    // The writer has failed to flush several times by now (every 250 ms).
    await new Promise((r) => setTimeout(r, 600));
  } finally {
    fsys!.free();
  }
  const recoveredMs = await timeToRecover();
  expect(recoveredMs).toBeLessThan(1000);
  expect(server.proc.pid).toBe(pid);
  expect(server.proc.exitCode).toBeNull();

  await expectLogged([...answers, ...reads].map((a) => a.requestId));
  const log = serverLogSince(logStart);
  // One line when the outage starts, one when it ends (a few if a flush got through in between), never one per
  // failed flush (four a second).
  const outages = log.count(/request log: writing to the database failed/);
  expect(outages).toBeGreaterThanOrEqual(1);
  expect(outages).toBeLessThanOrEqual(3);
  expect(log.count(/request log: database writes recovered after \d+ failed flush/)).toBe(outages);
  expect(log.count(/request log: the spool cannot be written/)).toBeLessThanOrEqual(1);
  expect(log.stackLines).toEqual([]);
  report("full disk", answers, recoveredMs);
});

test("a stalled database (another process holds the write lock): 503 within a second, no pile-up, then writes again", async ({
  page,
}) => {
  await signIn(page, DEMO);
  const logStart = server.output().length;
  const holder = new Database(path.join(server.dataDir, "keyward.db"));
  holder.prepare("BEGIN IMMEDIATE").run();
  const answers: Answer[] = [];
  let reads: Answer[] = [];
  try {
    // Twelve writes and four reads at once: each write waits at most its own bound, none queues behind the
    // others' waits (one after another they would take 6 s), and the reads are not held up.
    const started = performance.now();
    const burst = await Promise.all(
      Array.from({ length: 3 }, () => allWrites()).concat([
        Promise.all(Array.from({ length: 4 }, () => send("list inventory", "GET", "/api/v1/inventory?limit=1"))).then(
          (r) => r.map((x) => x.answer),
        ),
      ]),
    );
    const wall = performance.now() - started;
    reads = burst.pop()!;
    for (const r of reads) expect(r.status).toBe(200);
    for (const round of burst) answers.push(...round);
    expectRefused(answers);
    expect(answers).toHaveLength(12);
    expect(wall).toBeLessThan(1500);
    await expectDashboardSaysStorageUnavailable(page);
  } finally {
    holder.prepare("ROLLBACK").run();
    holder.close();
  }
  const recoveredMs = await timeToRecover();
  expect(recoveredMs).toBeLessThan(1000);
  await expectLogged([...answers, ...reads].map((a) => a.requestId));
  expect(serverLogSince(logStart).stackLines).toEqual([]);
  report("stalled database", answers, recoveredMs);
});
