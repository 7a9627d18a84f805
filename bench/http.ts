import autocannon from "autocannon";
import {
  buildBenchApp,
  cpuBetween,
  median,
  memoryOf,
  postgresBackendsCpu,
  preparedDataDir,
  processCpuUs,
  startBenchServer,
  tsx,
} from "./support";
import { db } from "../lib/db";

/**
 * End to end over HTTP: GET /api/v1/inventory?limit=10 behind the guard (key check, scope, rate limit,
 * request log on) versus its unguarded twin (the same handler, bench build only), alternating runs.
 */
type Run = {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  requests: number;
  serverCpuUsPerRequest: number;
  /** PostgreSQL only: CPU of the server's own database connections (their backend processes), per request. */
  dbCpuUsPerRequest?: number;
};

/** PostgreSQL only: the database the bench server writes to (its backends' CPU is sampled per run). */
const DATABASE_URL = process.env.DATABASE_URL;
const onPostgres = postgresBackendsCpu(DATABASE_URL) !== null;

function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
  pid: number,
): Promise<Run> {
  const cpuBefore = processCpuUs(pid);
  const dbBefore = postgresBackendsCpu(DATABASE_URL);
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, duration: seconds, connections, pipelining: 1 }, (err, r) => {
      if (err) return reject(err);
      resolve({
        rps: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors,
        requests: r.requests.total,
        serverCpuUsPerRequest: (processCpuUs(pid) - cpuBefore) / Math.max(1, r.requests.total),
        ...(dbBefore
          ? {
              dbCpuUsPerRequest:
                cpuBetween(dbBefore, postgresBackendsCpu(DATABASE_URL))! / Math.max(1, r.requests.total),
            }
          : {}),
      });
    });
  });
}

async function main() {
  const runs = Number(process.env.BENCH_RUNS) || 3;
  const seconds = Number(process.env.BENCH_HTTP_SECONDS) || 10;
  const connections = Number(process.env.BENCH_CONNECTIONS) || 16;
  if (process.env.BENCH_SKIP_BUILD !== "1") buildBenchApp();
  const dataDir = preparedDataDir("http");
  const key = JSON.parse(
    tsx(
      "scripts/create-key.ts",
      [
        "--json",
        "--email",
        "demo@keyward.dev",
        "--name",
        "http-bench",
        "--scopes",
        "inventory:read",
        "--rate-limit",
        "1000000",
      ],
      { KEYWARD_DATA_DIR: dataDir },
    )
      .trim()
      .split("\n")
      .pop()!,
  ) as { keyId: string; secret: string };

  const server = await startBenchServer(dataDir, Number(process.env.BENCH_HTTP_PORT) || 3470);
  const guardedUrl = `${server.url}/api/v1/inventory?limit=10`;
  const twinUrl = `${server.url}/api/bench/unguarded-inventory?limit=10`;
  const auth = { "X-API-Key": key.keyId, "X-API-Secret": key.secret };
  try {
    const probe = await fetch(twinUrl);
    if (probe.status !== 200) throw new Error(`unguarded twin answered ${probe.status}: is this a bench build?`);
    // Warm both paths (JIT, key cache, SQLite page cache) until the numbers settle.
    const warmSeconds = Number(process.env.BENCH_WARMUP_SECONDS) || 10;
    await load(guardedUrl, auth, warmSeconds, connections, server.pid);
    await load(twinUrl, {}, warmSeconds, connections, server.pid);
    const guarded: Run[] = [];
    const unguarded: Run[] = [];
    // ABBA order, so a drift over the run (warming, a neighbour's load) does not favour either side.
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        guarded.push(await load(guardedUrl, auth, seconds, connections, server.pid));
        unguarded.push(await load(twinUrl, {}, seconds, connections, server.pid));
      } else {
        unguarded.push(await load(twinUrl, {}, seconds, connections, server.pid));
        guarded.push(await load(guardedUrl, auth, seconds, connections, server.pid));
      }
    }
    const peakRssMb = memoryOf(server.pid).peakMb;
    await server.stop();
    const logged = await db().requestLog.count({ where: { keyId: key.keyId } });
    const answered = guarded.reduce((n, r) => n + r.requests, 0);
    const med = (rs: Run[], k: keyof Run) => median(rs.map((r) => r[k] ?? 0));
    console.log(
      JSON.stringify({
        connections,
        secondsPerRun: seconds,
        runs,
        guarded: {
          rps: med(guarded, "rps"),
          p50Ms: med(guarded, "p50Ms"),
          p99Ms: med(guarded, "p99Ms"),
          non2xx: guarded.reduce((n, r) => n + r.non2xx, 0),
          all: guarded,
        },
        unguarded: {
          rps: med(unguarded, "rps"),
          p50Ms: med(unguarded, "p50Ms"),
          p99Ms: med(unguarded, "p99Ms"),
          all: unguarded,
        },
        throughputRatio: med(guarded, "rps") / med(unguarded, "rps"),
        serverCpuUsPerRequest: {
          guarded: med(guarded, "serverCpuUsPerRequest"),
          unguarded: med(unguarded, "serverCpuUsPerRequest"),
        },
        ...(onPostgres
          ? {
              dbCpuUsPerRequest: {
                guarded: med(guarded, "dbCpuUsPerRequest"),
                unguarded: med(unguarded, "dbCpuUsPerRequest"),
              },
            }
          : {}),
        guardCpuOverheadUsPerRequest: med(guarded, "serverCpuUsPerRequest") - med(unguarded, "serverCpuUsPerRequest"),
        perRunRatios: guarded.map((g, i) => g.rps / unguarded[i]!.rps),
        serverPeakRssMb: peakRssMb,
        // Warm-up requests are logged too, so the log holds at least every measured request.
        logRows: logged,
        measuredGuardedRequests: answered,
      }),
    );
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
