import os from "node:os";
import { randomBytes } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import { Redis } from "ioredis";
import { API_ROUTES } from "../lib/api-routes";
import { withApiKey } from "../lib/auth/api-key-guard";
import { loadEnv } from "../lib/config/env";
import { parseOrThrow } from "../lib/errors";
import { createKey } from "../lib/keys/create-key";
import { createKeyInput, revokeKeyInput } from "../lib/keys/key-input";
import { revokeKey } from "../lib/keys/revoke-key";
import type { LogWriter } from "../lib/logs/log-writer";
import { createServices, installServices } from "../lib/services";
import { freshDataDir } from "./support";

/**
 * Revocation across instances through Redis: two instances in one process (each its own services, Redis
 * connections and key cache; one SQLite database, one Redis database and prefix). Per trial: a key is created,
 * B's cache is warmed, B keeps answering requests with it, A revokes it; measured from the moment A's revoke
 * returned (committed and announced) to B's first refusal. `npm run bench:revocation-redis`; options:
 * BENCH_REDIS_URL (default redis://127.0.0.1:6379/15), BENCH_REVOKE_TRIALS (default 100).
 */
async function main() {
  const trials = Number(process.env.BENCH_REVOKE_TRIALS) || 100;
  const redisUrl = process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379/15";
  const prefix = `bench-${randomBytes(4).toString("hex")}:`;
  const dataDir = freshDataDir("revocation-redis");
  const env = loadEnv({
    KEYWARD_DATA_DIR: dataDir,
    REDIS_URL: redisUrl,
    KEYWARD_REDIS_PREFIX: prefix,
    KEYWARD_SECRET_PEPPER: "bench-pepper-0123456789abcdef0123456789",
    NEXTAUTH_SECRET: "bench-session-secret-0123456789abcdef01",
  });
  const quietWriter = { enqueue: async () => {}, close: async () => {} } as unknown as LogWriter;
  const instance = () => createServices({ env: () => env, logWriter: () => quietWriter });
  const a = instance();
  const b = instance();
  // lib/ reaches its services through services(). A is installed throughout; B is installed only for the
  // synchronous start of each of its requests, which is where the guard picks its key cache.
  installServices(a);
  const onB = <T>(fn: () => T): T => {
    installServices(b);
    try {
      return fn();
    } finally {
      installServices(a);
    }
  };
  void a.keyCache;
  void b.keyCache;
  await Promise.all([a.redis!.settled, b.redis!.settled]);
  await new Promise((r) => setTimeout(r, 200)); // both subscriptions live
  if (a.redis!.state !== "up" || b.redis!.state !== "up") throw new Error(`Redis at ${redisUrl} is not reachable`);

  const user = await a.db.user.create({ data: { email: "bench@keyward.dev", passwordHash: "x" } });
  const actor = { kind: "user" as const, userId: user.id, email: user.email, role: "user" as const, ip: null };
  const guarded = withApiKey(API_ROUTES.listInventory, async () => ({ data: [], nextCursor: null }));
  const ask = (key: { keyId: string; secret: string }) =>
    onB(() =>
      guarded(
        new Request("http://127.0.0.1/api/v1/inventory", {
          headers: { "x-api-key": key.keyId, "x-api-secret": key.secret, "x-keyward-client-ip": "127.0.0.1" },
        }),
      ),
    );

  const fromReturn: number[] = [];
  const fromStart: number[] = [];
  let acceptedAfterReturn = 0;
  for (let t = 0; t < trials; t++) {
    const made = await createKey(
      actor,
      parseOrThrow(createKeyInput, { name: `victim-${t}`, scopes: ["inventory:read"] }),
    );
    const key = { keyId: made.key.keyId, secret: made.secret };
    if ((await ask(key)).status !== 200) throw new Error("B did not accept a fresh key");
    let returnedAt = Infinity;
    let refusedAt = Infinity;
    // B answers one request per event-loop turn, as a busy server would between I/O.
    const polling = (async () => {
      for (;;) {
        const res = await ask(key);
        const at = performance.now();
        if (res.status !== 200) {
          refusedAt = at;
          return;
        }
        if (at > returnedAt) acceptedAfterReturn++;
        await nextTurn();
      }
    })();
    await new Promise((r) => setTimeout(r, 5));
    const startedAt = performance.now();
    await revokeKey(actor, key.keyId, parseOrThrow(revokeKeyInput, { reason: "bench" }));
    returnedAt = performance.now();
    await polling;
    fromReturn.push(Math.max(0, refusedAt - returnedAt));
    fromStart.push(refusedAt - startedAt);
  }

  await Promise.all([a.close(), b.close()]);
  const cleaner = new Redis(redisUrl);
  let cursor = "0";
  do {
    const [next, keys] = await cleaner.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (keys.length) await cleaner.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await cleaner.quit();

  const summary = (values: number[]) => {
    const s = [...values].sort((x, y) => x - y);
    const at = (q: number) => Number(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!.toFixed(2));
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
  };
  console.log(
    JSON.stringify({
      trials,
      redis: redisUrl,
      loadAverage1m: Number(os.loadavg()[0]!.toFixed(1)),
      cpus: os.cpus().length,
      revokeReturnedToRefusedOnBMs: summary(fromReturn),
      revokeStartedToRefusedOnBMs: summary(fromStart),
      requestsAcceptedByBAfterRevokeReturned: acceptedAfterReturn,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
