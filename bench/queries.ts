import fs from "node:fs";
import path from "node:path";
import { db } from "../lib/db";
import type { Actor } from "../lib/auth/actor";
import { queryLogs } from "../lib/logs/query-logs";
import { logPageInput } from "../lib/logs/log-query-input";
import { parseOrThrow } from "../lib/errors";
import { logStats } from "../lib/logs/log-stats";
import { keysNeedingAttention } from "../lib/keys/keys-needing-attention";
import { services } from "../lib/services";
import { median, peakRssDuring, signIn, startBenchServer, memoryOf } from "./support";

/**
 * Log queries on a big log (seeded by bench/run.ts with scripts/seed-logs.ts): the first page of filtered
 * views and the overview charts, in process (median of several runs after a warm-up), then a 100,000-row CSV
 * export through the server, with the server's memory sampled while it streams.
 */
async function timeIt<T>(
  fn: () => Promise<T>,
  runs = 7,
): Promise<{ medianMs: number; minMs: number; maxMs: number; result: T }> {
  let result = await fn(); // warm-up: statement caches, SQLite page cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = await fn();
    times.push(performance.now() - t);
  }
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), result };
}

async function main() {
  const dataDir = process.env.KEYWARD_DATA_DIR!;
  const totalRows = await db().requestLog.count();
  const demo = await db().user.findUniqueOrThrow({ where: { email: "demo@keyward.dev" } });
  const user: Actor = { kind: "user", userId: demo.id, email: demo.email, role: "user", ip: null };
  const support: Actor = { kind: "user", userId: "bench-support", email: "support@bench", role: "support", ip: null };
  const demoKeys = await db().apiKey.findMany({ where: { ownerId: demo.id }, orderBy: { name: "asc" } });
  const someKey = demoKeys[0]!.keyId;
  const quietKey = demoKeys.find((k) => k.name === "[seed] Dormant integration")!.keyId;
  const sandboxKey = demoKeys.find((k) => k.name === "[seed] Sandbox client")!;
  // A test key reading the log (GET /api/v1/logs): it sees only its owner's test traffic.
  const sandbox: Actor = {
    kind: "key",
    apiKeyId: sandboxKey.id,
    keyId: sandboxKey.keyId,
    ownerId: demo.id,
    scopes: ["logs:read"],
    environment: "test",
    ip: null,
  };
  const demoRows = await db().requestLog.count({ where: { ownerId: demo.id } });
  const aRequestId = (
    await db().requestLog.findFirstOrThrow({
      where: { ownerId: demo.id },
      orderBy: { timestamp: "desc" },
      skip: Math.min(5000, Math.floor(demoRows / 4)),
    })
  ).requestId;

  /** The first page (50 rows) a filter selects, as the log page and GET /api/v1/logs ask for it. */
  const page = (actor: Actor, filter: Record<string, unknown>) =>
    timeIt(() => queryLogs(actor, parseOrThrow(logPageInput, { limit: 50, ...filter }, "query")));
  const offers5xx = { method: "POST", route: "/api/v1/offers", status: "5xx" };
  const withdraw5xx = { method: "POST", route: "/api/v1/offers/{id}/withdraw", status: "5xx" };
  const inventory2xx = { method: "GET", route: "/api/v1/inventory", status: "2xx" };
  const deleteOffer = { method: "DELETE", route: "/api/v1/offers/{id}" };
  const firstPage = {
    "24h, no filter (user)": await page(user, { range: "24h" }),
    "7d, one key + 4xx (user)": await page(user, { range: "7d", keyId: someKey, status: "4xx" }),
    "30d, one key + exact 403 (user)": await page(user, { range: "30d", keyId: someKey, status: "403" }),
    "30d, one quiet key (user)": await page(user, { range: "30d", keyId: quietKey }),
    "30d, one quiet key across users (support)": await page(support, { range: "30d", keyId: quietKey }),
    "30d, a test key's sandbox (test key)": await page(sandbox, { range: "30d" }),
    "30d, partner filter across users (support)": await page(support, { range: "30d", partner: "Acme Feeds" }),
    "30d, POST /api/v1/offers 5xx (user)": await page(user, { range: "30d", ...offers5xx }),
    // Status filters, common and rare, for an owner and across users (the status index, or the time index).
    "30d, 4xx (user)": await page(user, { range: "30d", status: "4xx" }),
    "30d, 5xx (support)": await page(support, { range: "30d", status: "5xx" }),
    "30d, exact 200 (support)": await page(support, { range: "30d", status: "200" }),
    "30d, exact 429 (user)": await page(user, { range: "30d", status: "429" }),
    "30d, GET /api/v1/inventory 2xx (support)": await page(support, { range: "30d", ...inventory2xx }),
    // Filters that match few or no rows: bounded by the hourly rollups (page-window.ts) and the status index.
    "30d, exact 409, no such rows (user)": await page(user, { range: "30d", status: "409" }),
    "30d, exact 409, no such rows (support)": await page(support, { range: "30d", status: "409" }),
    "30d, DELETE /api/v1/offers/{id}, no such rows (user)": await page(user, { range: "30d", ...deleteOffer }),
    "30d, withdraw + 5xx, rare (support)": await page(support, { range: "30d", ...withdraw5xx }),
    "30d, request id search (user)": await page(user, { range: "30d", requestId: aRequestId }),
  };
  const charts = {
    "overview 24h (user)": await timeIt(() => logStats(user, { range: "24h" })),
    "overview 7d (user)": await timeIt(() => logStats(user, { range: "7d" })),
    "overview 30d (user)": await timeIt(() => logStats(user, { range: "30d" })),
    "overview 30d (support, all users)": await timeIt(() => logStats(support, { range: "30d" })),
    "overview 7d, a test key's sandbox (raw rows)": await timeIt(() => logStats(sandbox, { range: "7d" })),
    "logs charts 7d, one key + 4xx (user)": await timeIt(() =>
      logStats(user, { range: "7d", keyId: someKey, status: "4xx" }),
    ),
    "logs charts 24h, exact 403 (raw rows)": await timeIt(() => logStats(user, { range: "24h", status: "403" })),
    "keys needing attention (user)": await timeIt(() => keysNeedingAttention(user)),
  };
  const summarise = (o: Record<string, { medianMs: number; minMs: number; maxMs: number; result: unknown }>) =>
    Object.fromEntries(
      Object.entries(o).map(([k, v]) => [
        k,
        {
          medianMs: Math.round(v.medianMs * 10) / 10,
          minMs: Math.round(v.minMs * 10) / 10,
          maxMs: Math.round(v.maxMs * 10) / 10,
          rows:
            (v.result as { data?: unknown[] }).data?.length ??
            (v.result as { totals?: { requests: number } }).totals?.requests,
        },
      ]),
    );

  // The CSV export: a window holding exactly the newest 100,000 rows of the demo user.
  const exportRows = Math.min(Number(process.env.BENCH_EXPORT_ROWS) || 100_000, Math.floor(demoRows / 2));
  const boundary = await db().requestLog.findFirstOrThrow({
    where: { ownerId: demo.id },
    orderBy: [{ timestamp: "desc" }, { id: "desc" }],
    skip: exportRows - 1,
    select: { timestamp: true },
  });
  const expected = await db().requestLog.count({ where: { ownerId: demo.id, timestamp: { gte: boundary.timestamp } } });
  const server = await startBenchServer(dataDir, 3472);
  let exportResult;
  try {
    const cookie = await signIn(server.url, "demo@keyward.dev", "demo-password-1");
    const url = `${server.url}/logs/export?from=${encodeURIComponent(boundary.timestamp.toISOString())}`;
    // Warm the route once with a tiny export, then let the server settle before reading its idle memory.
    await (await fetch(`${server.url}/logs/export?range=15m`, { headers: { cookie } })).text();
    if (global.gc) global.gc();
    await new Promise((r) => setTimeout(r, 2000));
    const idle = memoryOf(server.pid);
    const started = performance.now();
    const { result, peakRssMb, startRssMb } = await peakRssDuring(server.pid, async () => {
      const res = await fetch(url, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`export answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      let bytes = 0;
      let lines = 0;
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        for (const b of value) if (b === 10) lines++;
      }
      return { bytes, dataRows: lines - 1 };
    });
    exportResult = {
      expectedRows: expected,
      ...result,
      seconds: (performance.now() - started) / 1000,
      rowsPerSecond: Math.round(result.dataRows / ((performance.now() - started) / 1000)),
      serverIdleRssMb: idle.rssMb,
      serverRssAtStartMb: startRssMb,
      serverPeakRssDuringExportMb: peakRssMb,
      growthOverIdleMb: peakRssMb - idle.rssMb,
    };
  } finally {
    await server.stop();
  }
  const logDb = services().logDb;
  const dbBytes =
    logDb.dialect === "postgresql"
      ? Number((await logDb.pool.query<{ n: string }>("SELECT pg_database_size(current_database()) AS n")).rows[0]!.n)
      : fs.statSync(path.join(dataDir, "keyward.db")).size;
  console.log(
    JSON.stringify({
      totalRows,
      demoRows,
      rollupRows: await db().requestRollup.count(),
      databaseMb: Math.round(dbBytes / 1024 / 1024),
      firstPage: summarise(firstPage),
      charts: summarise(charts),
      csvExport: exportResult,
      database: logDb.dialect,
      newestRow: new Date(Date.now()).toISOString(),
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
