import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as listInventory } from "@/app/api/v1/inventory/route";
import { signInWithCredentials } from "@/lib/auth/users";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { revokeKey } from "@/lib/keys/revoke-key";
import { rotateKey } from "@/lib/keys/rotate-key";
import { updateKey } from "@/lib/keys/update-key";
import { call, credsOf, makeKey, makeUser, rejectionOf } from "@/test/fixtures";
import { asInstance, connected, instance, yieldToIo, type Instance } from "@/test/redis";

// Two Keyward instances in one process: each its own services, Redis connections and key cache; one database,
// one Redis database and prefix. Calls alternate between them through the real route handler and guard, one at
// a time (lib/ reaches its services through services(), which asInstance swaps for the call).
let a: Instance;
let b: Instance;

beforeAll(async () => {
  a = instance({ env: { KEYWARD_UNAUTH_LIMIT_PER_MINUTE: 4 }, redisTimeoutMs: 5000 });
  b = instance({ env: { KEYWARD_UNAUTH_LIMIT_PER_MINUTE: 4 }, redisTimeoutMs: 5000 });
  await Promise.all([connected(a), connected(b)]);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const PATH = "/api/v1/inventory";
const get = (s: Instance, init: Omit<Parameters<typeof call>[1], "path">) =>
  asInstance(s, () => call(listInventory, { path: PATH, ...init }));

/** Poll instance s with the key until refused with `code`; the milliseconds it took. */
async function untilRefused(s: Instance, key: { keyId: string; secret: string }, code: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const res = await get(s, { key });
    if (res.status !== 200) {
      expect(res.body!.error.code).toBe(code);
      return performance.now() - started;
    }
    if (performance.now() - started > 5000) throw new Error(`still accepted after 5 s (waiting for ${code})`);
    await yieldToIo();
  }
}

describe("limits hold across instances together", () => {
  test("a key limited to 10 requests per minute gets exactly 10 through two instances", async () => {
    const made = await makeKey(await makeUser(), { scopes: ["inventory:read"], rateLimitPerMinute: 10 });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await get(i % 2 ? b : a, { key: credsOf(made) })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    // Both instances answered, and each sees the shared count in its headers.
    expect(a.logged.length + b.logged.length).toBe(30);
  });

  test("parallel bursts on both instances' limiters still let exactly 10 through", async () => {
    const subject = `burst-${Date.now()}`;
    const burst = Array.from({ length: 40 }, (_, i) => (i % 2 ? b : a).rateLimiter.consume(subject, 10));
    const decisions = await Promise.all(burst);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
  });

  test("the unauthenticated per-IP throttle is shared", async () => {
    const bad = { "x-api-key": "kw_live_0000000000000000", "x-api-secret": "nope" };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await get(i % 2 ? b : a, { ip: "198.51.100.150", headers: bad })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429, 429]);
  });

  test("sign-in throttles are shared: an address's five failures on A and B refuse its sixth on either", async () => {
    const email = `victim-${Date.now()}@example.test`;
    await db().user.create({ data: { email, passwordHash: await hashPassword("owners-password-1") } });
    const attempt = (s: Instance, ip: string, password: string) =>
      signInWithCredentials({ email, password }, { ip, throttle: s.authThrottle, wait: async () => {} });
    for (let i = 0; i < 5; i++) expect(await attempt(i % 2 ? b : a, "198.51.100.151", `guess-${i}-x`)).toBeNull();
    for (const s of [a, b]) {
      expect((await rejectionOf(attempt(s, "198.51.100.151", "guess-9-x"))).code).toBe("rate_limited");
    }
    // The owner, elsewhere, is not refused on either instance.
    expect(await attempt(b, "192.0.2.151", "owners-password-1")).toMatchObject({ email });
  });
});

describe("key changes reach every instance", () => {
  test("revoked through A, refused by B within a second", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    expect((await get(b, { key: credsOf(made) })).status).toBe(200); // warm B's cache
    await asInstance(a, () => revokeKey(owner, made.key.keyId, { reason: "test" }));
    expect(await untilRefused(b, credsOf(made), "key_revoked")).toBeLessThan(1000);
  });

  test("rescoped and rotated through A: B follows", async () => {
    const user = await makeUser();
    const made = await makeKey(user, { scopes: ["inventory:read", "offers:read"] });
    expect((await get(b, { key: credsOf(made) })).status).toBe(200);
    await asInstance(a, () => updateKey(user, made.key.keyId, { scopes: ["offers:read"] }));
    expect(await untilRefused(b, credsOf(made), "insufficient_scope")).toBeLessThan(1000);

    const other = await makeKey(user, { scopes: ["inventory:read"] });
    expect((await get(b, { key: credsOf(other) })).status).toBe(200);
    const rotated = await asInstance(a, () => rotateKey(user, other.key.keyId, { graceSeconds: 0 }));
    expect(await untilRefused(b, credsOf(other), "invalid_credentials")).toBeLessThan(1000);
    const fresh = { keyId: other.key.keyId, secret: rotated.secret };
    expect((await get(b, { key: fresh })).status).toBe(200);
  });
});
