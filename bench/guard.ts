import { Bench } from "tinybench";
import { API_ROUTES } from "../lib/api-routes";
import { withApiKey } from "../lib/auth/api-key-guard";
import { db } from "../lib/db";
import { createKey } from "../lib/keys/create-key";
import { services } from "../lib/services";
import { newRequestId } from "../lib/http/request-id";
import { queryParams } from "../lib/http/query-params";
import { parseOrThrow } from "../lib/errors";
import { createKeyInput } from "../lib/keys/key-input";

/**
 * In-process cost of the guard for a warm key: parse credentials, verify the secret (HMAC + constant-time
 * compare), status/expiry/IP/scope, rate limit, enqueue the log entry (spool write included), set headers.
 * Measured around a handler that does nothing, and compared with that handler alone. Run by bench/run.ts
 * with KEYWARD_DATA_DIR set to a fresh data folder.
 */
async function main() {
  const user = await db().user.create({ data: { email: "bench@keyward.dev", passwordHash: "x" } });
  const actor = { kind: "user" as const, userId: user.id, email: user.email, role: "user" as const, ip: null };
  const { key, secret } = await createKey(
    actor,
    createKeyInput.parse({
      name: "bench",
      scopes: ["inventory:read"],
      rateLimitPerMinute: 1_000_000,
      ipAllowlist: ["127.0.0.0/8", "::1/128"],
    }),
  );
  // The guard parses the route's query and writes the JSON response; the bare handler pays the same for both.
  const noop = async () => ({ data: [], nextCursor: null });
  const guarded = withApiKey(API_ROUTES.listInventory, noop);
  const bare = async (req: Request) => {
    parseOrThrow(API_ROUTES.listInventory.query, queryParams(req), "query");
    return Response.json(await noop(), { headers: { "X-Request-Id": newRequestId() } });
  };
  const headers = {
    "x-api-key": key.keyId,
    "x-api-secret": secret,
    "x-keyward-client-ip": "127.0.0.1",
    "user-agent": "bench",
  };
  const url = "http://127.0.0.1/api/v1/inventory?limit=10";
  const ctx = { params: Promise.resolve({}) };
  // The bare handler only reads the URL, so one request serves every iteration (new Request is measured apart).
  const bareRequest = new Request(url, { headers });
  // Warm the key cache and the JIT.
  for (let i = 0; i < 2000; i++) await guarded(new Request(url, { headers }), ctx);

  const bench = new Bench({ time: Number(process.env.BENCH_GUARD_MS) || 3000, warmup: true });
  bench
    .add("handler alone", async () => {
      await bare(bareRequest);
    })
    .add("guard + handler", async () => {
      const res = await guarded(new Request(url, { headers }), ctx);
      if (res.status !== 200) throw new Error(`unexpected status ${res.status}`);
    })
    .add("new Request (both pay it in a route)", () => {
      new Request(url, { headers });
    });
  await bench.run();

  const writer = services().logWriter;
  await writer.close();
  const count = await db().requestLog.count();
  const results = Object.fromEntries(
    bench.tasks.map((t) => {
      const r = t.result as unknown as {
        latency: { p50: number; p99: number; mean: number };
        throughput: { mean: number };
      } & { runs?: number };
      return [
        t.name,
        {
          opsPerSec: Math.round(1000 / r.latency.mean),
          p50Us: r.latency.p50 * 1000,
          p99Us: r.latency.p99 * 1000,
          meanUs: r.latency.mean * 1000,
        },
      ];
    }),
  );
  const g = results["guard + handler"]!;
  const h = results["handler alone"]!;
  const req = results["new Request (both pay it in a route)"]!;
  console.log(
    JSON.stringify({
      tasks: results,
      guardOverheadUs: {
        mean: g.meanUs - h.meanUs - req.meanUs,
        p50: g.p50Us - h.p50Us - req.p50Us,
        p99: g.p99Us - h.p99Us,
      },
      // Every guarded call was logged: warm-up + all benchmark iterations (none lost).
      logRowsEnqueued: writer.stats.enqueued,
      logRowsWritten: count,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
