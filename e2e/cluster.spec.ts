import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { onAdmin, pgUrl } from "./support/e2e-database";
import { createKeyWithCli, startKeyward, stopKeyward, type RunningServer } from "./support/server";

/**
 * Two real instances on two ports share one PostgreSQL database and one Redis, as N instances behind a load
 * balancer do: what one does, the other sees. Each run gets its own fresh database and its own Redis key prefix.
 * Needs PostgreSQL and Redis (KEYWARD_TEST_PG_URL, KEYWARD_TEST_REDIS_URL): fails, never skips, without them.
 */
const BASE_PORT = Number(process.env.E2E_PORT) || 3210;
const REDIS_URL = process.env.KEYWARD_TEST_REDIS_URL || "redis://127.0.0.1:6379/9";

const run = randomBytes(4).toString("hex");
const database = `keyward_e2e_cluster_${run}`;
const databaseUrl = pgUrl(database);
const shared: Record<string, string> = {
  DATABASE_URL: databaseUrl,
  REDIS_URL,
  KEYWARD_REDIS_PREFIX: `keyward-e2e-${run}:`,
  NEXTAUTH_SECRET: `cluster-nextauth-secret-${run}-0123456789abcdef`,
  KEYWARD_SECRET_PEPPER: `cluster-pepper-${run}-0123456789abcdef0123`,
  KEYWARD_LOG_FLUSH_MS: "100",
  KEYWARD_METRICS_TOKEN: `cluster-metrics-token-${run}-0123456789`,
};

type Key = { keyId: string; secret: string };
const auth = (key: Key) => ({ "X-API-Key": key.keyId, "X-API-Secret": key.secret });

async function get(server: RunningServer, key: Key, path = "/api/v1/inventory?limit=1") {
  const res = await fetch(`${server.baseUrl}${path}`, { headers: auth(key) });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code ?? null, requestId: res.headers.get("x-request-id")! };
}

async function loggedCounts(requestIds: string[]): Promise<Map<string, number>> {
  const rows = await onAdmin(
    (c) =>
      c.query<{ requestId: string; n: string }>(
        `SELECT "requestId", count(*) AS n FROM "RequestLog" WHERE "requestId" = ANY($1) GROUP BY "requestId"`,
        [requestIds],
      ),
    databaseUrl,
  );
  return new Map(rows.rows.map((r) => [r.requestId, Number(r.n)]));
}

/** Wait until the log holds each of these request ids (the writers flush every 100 ms). */
async function expectLoggedOnce(requestIds: string[]) {
  await expect
    .poll(async () => (await loggedCounts(requestIds)).size, { timeout: 15_000 })
    .toBe(new Set(requestIds).size);
  const counts = await loggedCounts(requestIds);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
}

/** How many periods of a background job this instance has run (its Prometheus counter). */
async function jobRuns(server: RunningServer, job: string): Promise<number> {
  const res = await fetch(`${server.baseUrl}/api/metrics`, {
    headers: { Authorization: `Bearer ${shared.KEYWARD_METRICS_TOKEN}` },
  });
  expect(res.status).toBe(200);
  const line = (await res.text()).split("\n").find((l) => l.startsWith(`keyward_job_runs_total{job="${job}"} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

/** Wait until the wall clock's seconds within the minute are in [from, to). */
async function untilSecondOfMinute(from: number, to: number) {
  for (;;) {
    const s = new Date().getSeconds();
    if (s >= from && s < to) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

let a: RunningServer;
let b: RunningServer;
let adminKey: Key;

test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

test.beforeAll(async () => {
  await onAdmin((c) => c.query(`CREATE DATABASE "${database}"`));
  // Both at once: the migrations, partitions and demo accounts are applied once (an advisory lock orders them).
  [a, b] = await Promise.all([
    startKeyward({ port: BASE_PORT + 31, env: shared }),
    startKeyward({ port: BASE_PORT + 32, env: shared }),
  ]);
  adminKey = createKeyWithCli(
    a.dataDir,
    ["--email", "demo@keyward.dev", "--name", "cluster admin", "--scopes", "inventory:read,keys:read,keys:write"],
    shared,
  );
});

test.afterAll(async () => {
  await Promise.all([a, b].filter(Boolean).map((s) => stopKeyward(s, "SIGTERM").catch(() => undefined)));
  await onAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
});

test("both instances started on one database: migrations applied once, one demo workspace", async () => {
  const users = await onAdmin((c) => c.query(`SELECT email FROM "User" ORDER BY email`), databaseUrl);
  const emails = users.rows.map((r: { email: string }) => r.email);
  expect(emails.filter((e) => e === "demo@keyward.dev")).toHaveLength(1);
  const migrations = await onAdmin(
    (c) => c.query(`SELECT migration_name, count(*) AS n FROM "_prisma_migrations" GROUP BY migration_name`),
    databaseUrl,
  );
  expect(migrations.rows.length).toBeGreaterThan(0);
  expect(migrations.rows.filter((r: { n: string }) => Number(r.n) !== 1)).toEqual([]);
});

test("the expiry sweep runs once per period for the whole cluster, and expires a key once", async () => {
  test.setTimeout(180_000);
  const expiring = await fetch(`${a.baseUrl}/api/v1/keys`, {
    method: "POST",
    headers: { ...auth(adminKey), "Content-Type": "application/json" },
    body: JSON.stringify({
      name: "expires soon",
      scopes: ["inventory:read"],
      expiresAt: new Date(Date.now() + 3_000).toISOString(),
    }),
  });
  expect(expiring.status).toBe(201);
  const expiringKeyId = ((await expiring.json()) as { key: { keyId: string } }).key.keyId;
  // The sweep's period is one minute; each instance checks it every 15 s. From second 20 to 40 of a minute, both
  // have checked the current period; one minute later they have both checked exactly one more.
  await untilSecondOfMinute(20, 40);
  const before = (await jobRuns(a, "expire-keys")) + (await jobRuns(b, "expire-keys"));
  await new Promise((r) => setTimeout(r, 30_000));
  await untilSecondOfMinute(20, 40);
  const after = [await jobRuns(a, "expire-keys"), await jobRuns(b, "expire-keys")];
  console.log(`[cluster] expire-keys runs: before ${before}, after A ${after[0]} + B ${after[1]}`);
  expect(after[0]! + after[1]! - before).toBe(1);
  const audit = await onAdmin(
    (c) =>
      c.query(
        `SELECT e.action FROM "AuditEvent" e JOIN "ApiKey" k ON k.id = e."apiKeyId" WHERE k."keyId" = $1 AND e.action = 'expired'`,
        [expiringKeyId],
      ),
    databaseUrl,
  );
  expect(audit.rows).toHaveLength(1);
});

test("a key created on A works on B; revoked through A, B refuses it within a second", async () => {
  const created = await fetch(`${a.baseUrl}/api/v1/keys`, {
    method: "POST",
    headers: { ...auth(adminKey), "Content-Type": "application/json" },
    body: JSON.stringify({ name: "made on A", scopes: ["inventory:read"] }),
  });
  expect(created.status).toBe(201);
  const body = (await created.json()) as { key: { keyId: string }; secret: string };
  const key = { keyId: body.key.keyId, secret: body.secret };

  // B has not seen this key before: it loads it from the shared database and caches it.
  expect((await get(b, key)).status).toBe(200);
  expect((await get(b, key)).status).toBe(200);

  const revoked = await fetch(`${a.baseUrl}/api/v1/keys/${key.keyId}/revoke`, {
    method: "POST",
    headers: { ...auth(adminKey), "Content-Type": "application/json" },
    body: JSON.stringify({ reason: "cluster test" }),
  });
  expect(revoked.status).toBe(200);
  const revokedAt = Date.now();
  let refusedAfterMs = Infinity;
  while (Date.now() - revokedAt < 5_000) {
    const answer = await get(b, key);
    if (answer.status === 401) {
      expect(answer.code).toBe("key_revoked");
      refusedAfterMs = Date.now() - revokedAt;
      break;
    }
  }
  console.log(`[cluster] revoked on A, refused by B after ${refusedAfterMs} ms`);
  // B's cache entry had a 5 s safety-net TTL: only the Redis message can make this happen within a second.
  expect(refusedAfterMs).toBeLessThan(1_000);
});

test("a limit of 10 requests per minute holds across both instances together", async () => {
  const key = createKeyWithCli(
    a.dataDir,
    ["--email", "demo@keyward.dev", "--name", "limited", "--scopes", "inventory:read", "--rate-limit", "10"],
    shared,
  );
  const answers = [];
  for (let i = 0; i < 20; i++) answers.push(await get(i % 2 ? b : a, key));
  const statuses = answers.map((x) => x.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(10);
  expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  // Each instance served some of the accepted ones: the count was shared, not per instance.
  expect(answers.slice(0, 10).every((x) => x.status === 200)).toBe(true);
  // Every request, accepted or refused, by either instance, is in the one log once.
  await expectLoggedOnce(answers.map((x) => x.requestId));
});

test("SIGKILL one instance under load, restart it: every request either answered is in the log once", async () => {
  const key = createKeyWithCli(
    a.dataDir,
    ["--email", "demo@keyward.dev", "--name", "load", "--scopes", "inventory:read"],
    shared,
  );
  const answered: string[] = [];
  let running = true;
  const worker = (server: () => RunningServer) => async () => {
    while (running) {
      try {
        const res = await fetch(`${server().baseUrl}/api/v1/inventory?limit=1`, { headers: auth(key) });
        await res.arrayBuffer();
        const id = res.headers.get("x-request-id");
        if (id) answered.push(id);
      } catch {
        // The killed instance refuses connections until it is back: those requests were never answered.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const workers = [
    ...Array.from(
      { length: 6 },
      worker(() => a),
    ),
    ...Array.from(
      { length: 6 },
      worker(() => b),
    ),
  ];
  while (answered.length < 600) await new Promise((r) => setTimeout(r, 20));
  await stopKeyward(a, "SIGKILL");
  const killedAt = answered.length;
  // B keeps answering while A is down; A restarts on its own data folder and replays its spool.
  a = await startKeyward({ port: BASE_PORT + 31, dataDir: a.dataDir, env: shared });
  running = false;
  await Promise.all(workers);
  console.log(`[cluster] ${answered.length} answered (${killedAt} before the kill)`);
  await expectLoggedOnce(answered);
});
