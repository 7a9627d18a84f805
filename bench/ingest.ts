import { cpuBetween, postgresBackendsCpu } from "./support";
import { db } from "../lib/db";
import path from "node:path";
import { LogWriter } from "../lib/logs/log-writer";
import { services } from "../lib/services";
import type { LogEntry } from "../lib/logs/log-entry";
import { API_ROUTES } from "../lib/api-routes";
import { newRequestId } from "../lib/http/request-id";

/**
 * Log ingestion: how many entries per second the writer sustains into the embedded database (spool append +
 * buffered batch flush, the production path), and that every one of them is stored (counted afterwards).
 * Offered load is far above what one process's API could produce, so the writer is the bottleneck.
 */
async function main() {
  const total = Number(process.env.BENCH_INGEST_ROWS) || 300_000;
  const keys = Array.from({ length: 20 }, (_, i) => ({
    apiKeyId: `bench-key-${i}`,
    keyId: `kw_live_bench${String(i).padStart(8, "0")}`,
  }));
  const routes = Object.values(API_ROUTES);
  const { instance, logger, logStore } = services();
  const writer = new LogWriter({
    spoolDir: path.join(instance.dataDir, "log-spool"),
    instanceId: instance.id,
    logger,
    store: (entries) => logStore.storeBatch(entries),
    flushIntervalMs: 250,
    maxBatch: 5000,
  });
  writer.start();
  const cpuBefore = process.cpuUsage();
  const dbBefore = postgresBackendsCpu(process.env.DATABASE_URL);
  const started = performance.now();
  const stampBase = Date.now();
  for (let i = 0; i < total; i++) {
    const key = keys[i % keys.length]!;
    const route = routes[i % routes.length]!;
    const status = i % 17 === 0 ? 403 : i % 29 === 0 ? 429 : 200;
    const entry: LogEntry = {
      // Ids as the guard issues them (pooled randomness): a getrandom(2) per entry cost the bench ~4 µs a row.
      requestId: newRequestId(stampBase + Math.floor(i / 50)),
      timestamp: stampBase + Math.floor(i / 50),
      apiKeyId: key.apiKeyId,
      keyId: key.keyId,
      keyName: "Ingest bench",
      partner: "Bench Partner",
      ownerId: "bench-owner",
      environment: "live",
      method: route.method,
      route: route.path,
      path: route.path.replace("{id}", "cmabc").replace("{keyId}", key.keyId),
      status,
      latencyMs: 1 + (i % 40) / 10,
      ip: "127.0.0.1",
      userAgent: "bench/1.0",
      errorCode: status === 200 ? null : status === 403 ? "insufficient_scope" : "rate_limited",
      secretSlot: "current",
      scopeUsed: status === 200 ? route.scope : null,
    };
    writer.enqueue(entry);
    // Yield now and then so the flush timer and flushes run, as they would between requests.
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  const enqueuedMs = performance.now() - started;
  await writer.close();
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const dbCpuUs = cpuBetween(dbBefore, postgresBackendsCpu(process.env.DATABASE_URL));
  const stored = await db().requestLog.count({ where: { ownerId: "bench-owner" } });
  const rolledUp = await db().requestRollup.aggregate({
    where: { resolution: "minute", ownerId: "bench-owner" },
    _sum: { count: true },
  });
  console.log(
    JSON.stringify({
      entries: total,
      stored,
      rolledUpMinute: rolledUp._sum.count,
      lost: total - stored,
      enqueueSeconds: enqueuedMs / 1000,
      totalSeconds: elapsedMs / 1000,
      rowsPerSecond: Math.round(stored / (elapsedMs / 1000)),
      failedFlushes: writer.stats.failedFlushes,
      // This process (spool, batching, the driver; on SQLite the database too) and, on PostgreSQL, its backends.
      nodeCpuUsPerRow: (cpu.user + cpu.system) / total,
      ...(dbCpuUs !== undefined ? { dbCpuUsPerRow: dbCpuUs / total } : {}),
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
