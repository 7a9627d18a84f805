import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import { buildBenchApp, median, preparedDataDir, processCpuUs, startBenchServer, tsx } from "./support";
import { db } from "../lib/db";

/**
 * Guarded vs unguarded throughput (as bench/http.ts) while key events flow to three webhook endpoints: one that
 * answers at once, one that answers after 2 s, and a dead one that accepts connections and never answers (each
 * attempt waits for the 10 s timeout, then is retried with backoff). A key is changed 10 times a second during
 * every run, so about 30 deliveries a second are queued. The question: does a slow or dead receiver slow the API?
 * `npx tsx bench/webhooks.ts` (BENCH_RUNS, BENCH_HTTP_SECONDS, BENCH_SKIP_BUILD=1 to reuse .next-bench).
 */
type Run = { rps: number; p50Ms: number; p99Ms: number; non2xx: number; requests: number; cpuUsPerRequest: number };

function load(url: string, headers: Record<string, string>, seconds: number, pid: number): Promise<Run> {
  const before = processCpuUs(pid);
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, duration: seconds, connections: 16, pipelining: 1 }, (err, r) => {
      if (err) return reject(err);
      resolve({
        rps: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        non2xx: r.non2xx,
        requests: r.requests.total,
        cpuUsPerRequest: (processCpuUs(pid) - before) / Math.max(1, r.requests.total),
      });
    });
  });
}

async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

async function main() {
  const runs = Number(process.env.BENCH_RUNS) || 4;
  const seconds = Number(process.env.BENCH_HTTP_SECONDS) || 10;
  if (process.env.BENCH_SKIP_BUILD !== "1") buildBenchApp();
  const dataDir = preparedDataDir("webhooks");
  const makeKey = (name: string, scopes: string) =>
    JSON.parse(
      tsx(
        "scripts/create-key.ts",
        ["--json", "--email", "demo@keyward.dev", "--name", name, "--scopes", scopes, "--rate-limit", "1000000"],
        {
          KEYWARD_DATA_DIR: dataDir,
        },
      )
        .trim()
        .split("\n")
        .pop()!,
    ) as { keyId: string; secret: string };
  const partner = makeKey("partner", "inventory:read");
  const admin = makeKey("admin", "keys:read,keys:write");
  const churn = makeKey("churn", "");

  let fastHits = 0;
  let slowHits = 0;
  const sockets = new Set<net.Socket>();
  const fast = http.createServer((_q, r) => {
    fastHits++;
    r.end();
  });
  const slow = http.createServer((_q, r) => {
    slowHits++;
    setTimeout(() => r.end(), 2_000);
  });
  // Dead: accepts the connection, reads, never answers.
  const dead = net.createServer((s) => {
    sockets.add(s);
    s.on("data", () => {});
    s.on("close", () => sockets.delete(s));
  });
  const ports = { fast: await listen(fast), slow: await listen(slow), dead: await listen(dead) };

  const server = await startBenchServer(dataDir, 3471, { KEYWARD_WEBHOOK_ALLOW_PRIVATE: "1" });
  const adminAuth = { "X-API-Key": admin.keyId, "X-API-Secret": admin.secret, "Content-Type": "application/json" };
  const partnerAuth = { "X-API-Key": partner.keyId, "X-API-Secret": partner.secret };
  let churning = false;
  let changes = 0;
  try {
    for (const [name, port] of Object.entries(ports)) {
      const res = await fetch(`${server.url}/api/v1/webhooks`, {
        method: "POST",
        headers: adminAuth,
        body: JSON.stringify({ url: `http://127.0.0.1:${port}/${name}`, events: ["key.updated", "key.revoked"] }),
      });
      if (res.status !== 201) throw new Error(`registering ${name} answered ${res.status}: ${await res.text()}`);
    }
    churning = true;
    const churnLoop = (async () => {
      while (churning) {
        const res = await fetch(`${server.url}/api/v1/keys/${churn.keyId}`, {
          method: "PATCH",
          headers: adminAuth,
          body: JSON.stringify({ description: `change ${changes}` }),
        });
        if (res.status === 200) changes++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const guardedUrl = `${server.url}/api/v1/inventory?limit=10`;
    const twinUrl = `${server.url}/api/bench/unguarded-inventory?limit=10`;
    await load(guardedUrl, partnerAuth, 10, server.pid);
    await load(twinUrl, {}, 10, server.pid);
    const guarded: Run[] = [];
    const unguarded: Run[] = [];
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        guarded.push(await load(guardedUrl, partnerAuth, seconds, server.pid));
        unguarded.push(await load(twinUrl, {}, seconds, server.pid));
      } else {
        unguarded.push(await load(twinUrl, {}, seconds, server.pid));
        guarded.push(await load(guardedUrl, partnerAuth, seconds, server.pid));
      }
    }
    churning = false;
    await churnLoop;
    await server.stop();

    const byStatus = await db().webhookDelivery.groupBy({ by: ["status"], _count: { _all: true } });
    const attempts = await db().webhookAttempt.aggregate({ _count: { _all: true }, _avg: { latencyMs: true } });
    const timeouts = await db().webhookAttempt.count({ where: { error: { startsWith: "timed out" } } });
    const med = (rs: Run[], k: keyof Run) => median(rs.map((r) => r[k]));
    console.log(
      JSON.stringify({
        runs,
        secondsPerRun: seconds,
        keyChanges: changes,
        guarded: { rps: med(guarded, "rps"), p50Ms: med(guarded, "p50Ms"), p99Ms: med(guarded, "p99Ms"), all: guarded },
        unguarded: {
          rps: med(unguarded, "rps"),
          p50Ms: med(unguarded, "p50Ms"),
          p99Ms: med(unguarded, "p99Ms"),
          all: unguarded,
        },
        throughputRatio: med(guarded, "rps") / med(unguarded, "rps"),
        perRunRatios: guarded.map((g, i) => g.rps / unguarded[i]!.rps),
        serverCpuUsPerRequest: {
          guarded: med(guarded, "cpuUsPerRequest"),
          unguarded: med(unguarded, "cpuUsPerRequest"),
        },
        deliveries: Object.fromEntries(byStatus.map((b) => [b.status, b._count._all])),
        attempts: attempts._count._all,
        attemptTimeouts: timeouts,
        receiverHits: { fast: fastHits, slow: slowHits },
      }),
    );
  } finally {
    churning = false;
    await server.stop();
    for (const s of sockets) s.destroy();
    fast.close();
    slow.close();
    dead.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
