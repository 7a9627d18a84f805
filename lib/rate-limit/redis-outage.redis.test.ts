import { afterAll, beforeAll, expect, test } from "vitest";
import { GET as listInventory } from "@/app/api/v1/inventory/route";
import { call, credsOf, makeKey, makeUser, type UserActor } from "@/test/fixtures";
import { asInstance, connected, instance, TcpProxy, testRedisUrl, waitFor, type Instance } from "@/test/redis";

// Two instances reach Redis through a proxy this test cuts, stalls and restores while partner requests keep
// flowing through the real route handler and guard. Their Redis deadline is 1 s (production: 500 ms), so that a
// CPU-starved test machine does not mistake a slow answer for an outage in the phases where counts are shared.
const TIMEOUT_MS = 1000;
let proxy: TcpProxy;
let a: Instance;
let b: Instance;
let user: UserActor;

beforeAll(async () => {
  proxy = TcpProxy.forUrl(testRedisUrl());
  await proxy.start();
  a = instance({ redisUrl: proxy.url(testRedisUrl()), redisTimeoutMs: TIMEOUT_MS });
  b = instance({ redisUrl: proxy.url(testRedisUrl()), redisTimeoutMs: TIMEOUT_MS });
  await Promise.all([connected(a), connected(b)]);
  user = await makeUser();
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await proxy?.close();
});

type Outcome = { status: number; ms: number };

// lib/ reaches its services through services(), which asInstance swaps: requests are sent one at a time.
let steady: { keyId: string; secret: string };
const background: number[] = [];

/** Other traffic between the measured requests: a key without a limit, and a caller without credentials. */
async function otherTraffic(i: number): Promise<void> {
  steady ??= credsOf(await makeKey(user, { scopes: ["inventory:read"] }));
  const s = i % 2 ? b : a;
  for (const init of [{ key: steady }, { headers: { "x-api-key": "kw_live_0000000000000000" } }]) {
    const res = await asInstance(s, () =>
      call(listInventory, { path: "/api/v1/inventory", ip: `198.51.100.${i % 50}`, ...init }),
    );
    background.push(res.status);
  }
}

/** `n` requests with a fresh key limited to 10 per minute, alternating between the instances. */
async function alternate(n: number): Promise<Outcome[]> {
  const made = await makeKey(user, { scopes: ["inventory:read"], rateLimitPerMinute: 10 });
  const outcomes: Outcome[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await asInstance(i % 2 ? b : a, () =>
      call(listInventory, { path: "/api/v1/inventory", key: credsOf(made) }),
    );
    outcomes.push({ status: res.status, ms: performance.now() - started });
    await otherTraffic(i);
  }
  return outcomes;
}

const count = (outcomes: Outcome[], status: number) => outcomes.filter((o) => o.status === status).length;
const lines = (s: Instance, word: RegExp) => s.redisLog.filter((l) => word.test(l)).length;
const UNREACHABLE = /Redis is unreachable/;
const BACK = /Redis is reachable again/;

test("Redis cut mid-traffic: no 5xx, limits per instance meanwhile, shared again after it returns", async () => {
  const shared = await alternate(30);
  expect(count(shared, 200)).toBe(10);

  await proxy.cut();
  const cut = await alternate(30);
  // Each instance counts on its own: 10 each, and the rest refused with 429, never 5xx.
  expect(count(cut, 200)).toBe(20);
  expect(count(cut, 429)).toBe(10);
  // Nobody waits for a dead Redis (ioredis' defaults would hold each command until it reconnects).
  expect(Math.max(...cut.map((o) => o.ms))).toBeLessThan(TIMEOUT_MS * 3);
  for (const s of [a, b]) {
    expect(s.redis!.state).toBe("down");
    expect(lines(s, UNREACHABLE)).toBe(1);
  }

  await proxy.restore();
  await waitFor(() => a.redis!.state === "up" && b.redis!.state === "up", "both instances reconnected");
  const restored = await alternate(30);
  expect(count(restored, 200)).toBe(10);
  expect(count(restored, 429)).toBe(20);
  for (const s of [a, b]) {
    expect(lines(s, UNREACHABLE)).toBe(1);
    expect(lines(s, BACK)).toBe(1);
  }
  expect(background.filter((s) => s >= 500)).toEqual([]);
  expect(new Set(background)).toEqual(new Set([200, 401]));
});

test("a stalled Redis keeps at most one request per second per instance waiting, never a 5xx", async () => {
  const before = { a: lines(a, UNREACHABLE), b: lines(b, UNREACHABLE) };
  const made = await makeKey(user, { scopes: ["inventory:read"], rateLimitPerMinute: 10 });
  const outcomes = { a: [] as Outcome[], b: [] as Outcome[] };
  const elapsed = { a: 0, b: 0 };
  proxy.stall();
  try {
    // Per instance, 30 requests 50 ms apart: the first finds Redis silent and waits out the deadline; after
    // that one request per second probes it (and waits), the others count in memory at once.
    for (const [name, s] of [
      ["a", a],
      ["b", b],
    ] as const) {
      const started = performance.now();
      await asInstance(s, async () => {
        for (let i = 0; i < 30; i++) {
          const started = performance.now();
          const res = await call(listInventory, { path: "/api/v1/inventory", key: credsOf(made) });
          outcomes[name].push({ status: res.status, ms: performance.now() - started });
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      elapsed[name] = performance.now() - started;
    }
  } finally {
    proxy.unstall();
  }
  for (const name of ["a", "b"] as const) {
    const mine = outcomes[name];
    // Each instance enforces the limit on its own meanwhile.
    expect(count(mine, 200)).toBe(10);
    expect(count(mine, 429)).toBe(20);
    expect(Math.max(...mine.map((o) => o.ms))).toBeLessThan(TIMEOUT_MS * 2);
    // The onset, then at most one probe per pause (1 s) plus its own wait.
    const waited = mine.filter((o) => o.ms >= TIMEOUT_MS * 0.8).length;
    expect(waited).toBeGreaterThanOrEqual(1);
    expect(waited).toBeLessThanOrEqual(1 + Math.ceil(elapsed[name] / (1000 + TIMEOUT_MS)));
    expect(waited).toBeLessThan(mine.length / 4);
  }
  expect(lines(a, UNREACHABLE)).toBe(before.a + 1);
  expect(lines(b, UNREACHABLE)).toBe(before.b + 1);

  // Unstalled, the next probe finds Redis and sharing resumes.
  const deadline = Date.now() + 10_000;
  while (a.redis!.state !== "up" || b.redis!.state !== "up") {
    expect(Date.now()).toBeLessThan(deadline);
    await alternate(2);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(lines(a, BACK)).toBe(2);
  expect(lines(b, BACK)).toBe(2);
  expect(count(await alternate(30), 200)).toBe(10);
  expect(background.filter((s) => s >= 500)).toEqual([]);
});
