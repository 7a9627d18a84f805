import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET as listInventory } from "@/app/api/v1/inventory/route";
import { GET as listKeysRoute, POST as createKeyRoute } from "@/app/api/v1/keys/route";
import { PATCH as updateKeyRoute } from "@/app/api/v1/keys/[keyId]/route";
import { POST as rotateKeyRoute } from "@/app/api/v1/keys/[keyId]/rotate/route";
import { GET as listLogsRoute } from "@/app/api/v1/logs/route";
import { call, makeKey, makeUser, overrideServices } from "@/test/fixtures";
import { db } from "@/lib/db";
import { services } from "@/lib/services";

describe("the request log never keeps a secret", () => {
  it.each([
    ["swapped headers", (k: string, s: string) => ({ "x-api-key": s, "x-api-secret": k })],
    ["secret alone in X-API-Key", (_k: string, s: string) => ({ "x-api-key": s })],
    [
      "Basic auth with secret first",
      (k: string, s: string) => ({ authorization: `Basic ${Buffer.from(`${s}:${k}`).toString("base64")}` }),
    ],
  ])("%s: refused with a hint, logged without the secret", async (_name, headersFor) => {
    const owner = await makeUser();
    const { key, secret } = await makeKey(owner, { scopes: ["inventory:read"] });
    const res = await call(listInventory, { path: "/api/v1/inventory", headers: headersFor(key.keyId, secret) });
    expect(res.status).toBe(401);
    expect(res.body!.error.message).toMatch(/looks like a secret|holds a secret/);
    await services().logWriter.flush();
    const row = await db().requestLog.findUniqueOrThrow({ where: { requestId: res.body!.error.requestId } });
    expect(row.keyId).toBeNull();
    const everything = JSON.stringify(await db().requestLog.findMany());
    expect(everything).not.toContain(secret);
    const spoolDir = path.join(services().env.dataDir, "log-spool");
    for (const f of fs.existsSync(spoolDir) ? fs.readdirSync(spoolDir) : []) {
      expect(fs.readFileSync(path.join(spoolDir, f), "utf8")).not.toContain("kwsec_");
    }
  });
});

describe("a key managing keys cannot shed its own restrictions", () => {
  async function restrictedManager() {
    const owner = await makeUser();
    const manager = await makeKey(owner, {
      scopes: ["inventory:read", "keys:read", "keys:write"],
      ipAllowlist: ["203.0.113.0/24"],
      rateLimitPerMinute: 60,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    return { owner, manager, creds: { keyId: manager.key.keyId, secret: manager.secret } };
  }
  const within = {
    ipAllowlist: ["203.0.113.8/29"],
    rateLimitPerMinute: 30,
    expiresAt: new Date(Date.now() + 1_800_000).toISOString(),
  };

  it.each([
    ["no IP allowlist", { ...within, ipAllowlist: [] }, "IP allowlist"],
    ["a wider IP range", { ...within, ipAllowlist: ["203.0.0.0/16"] }, "IP allowlist"],
    ["no rate limit", { ...within, rateLimitPerMinute: null }, "rate limit"],
    ["a higher rate limit", { ...within, rateLimitPerMinute: 61 }, "rate limit"],
    ["no expiry", { ...within, expiresAt: null }, "expiry"],
    ["a later expiry", { ...within, expiresAt: new Date(Date.now() + 7_200_000).toISOString() }, "expiry"],
  ])("creating a key with %s is refused", async (_name, limits, what) => {
    const { creds } = await restrictedManager();
    const before = await db().apiKey.count();
    const res = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: { name: "child", scopes: ["inventory:read"], ...limits },
    });
    expect(res.status).toBe(403);
    expect(res.body!.error.code).toBe("insufficient_scope");
    expect(res.body!.error.message).toContain(what);
    expect(await db().apiKey.count()).toBe(before);
  });

  it("creating a key at least as restricted as itself works", async () => {
    const { creds } = await restrictedManager();
    const res = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: { name: "child", scopes: ["inventory:read"], ...within },
    });
    expect(res.status).toBe(201);
    expect(res.body!.key.ipAllowlist).toEqual(["203.0.113.8/29"]);
  });

  it("it cannot lift its own allowlist, rate limit or expiry", async () => {
    const { manager, creds } = await restrictedManager();
    for (const change of [{ ipAllowlist: [] }, { rateLimitPerMinute: null }, { expiresAt: null }]) {
      const res = await call(updateKeyRoute, {
        method: "PATCH",
        path: `/api/v1/keys/${manager.key.keyId}`,
        params: { keyId: manager.key.keyId },
        key: creds,
        body: change,
      });
      expect(res.status).toBe(403);
    }
    const row = await db().apiKey.findUniqueOrThrow({ where: { keyId: manager.key.keyId } });
    expect(JSON.parse(row.ipAllowlist)).toEqual(["203.0.113.0/24"]);
    expect(row.rateLimitPerMinute).toBe(60);
    expect(row.expiresAt).not.toBeNull();
  });

  it("it cannot rotate (and so obtain a secret for) a less restricted key of the same owner", async () => {
    const { owner, creds } = await restrictedManager();
    const open = await makeKey(owner, { scopes: ["inventory:read"] });
    const res = await call(rotateKeyRoute, {
      method: "POST",
      path: `/api/v1/keys/${open.key.keyId}/rotate`,
      params: { keyId: open.key.keyId },
      key: creds,
      body: {},
    });
    expect(res.status).toBe(403);
    expect(res.body!.secret).toBeUndefined();
  });
});

describe("a test key sees only the sandbox", () => {
  it("lists only test keys and reads only test traffic", async () => {
    const owner = await makeUser();
    const live = await makeKey(owner, { scopes: ["inventory:read"] });
    const testKey = await makeKey(owner, { environment: "test", scopes: ["keys:read", "logs:read", "inventory:read"] });
    const otherTestKey = await makeKey(owner, { environment: "test", scopes: ["inventory:read"] });
    const creds = { keyId: testKey.key.keyId, secret: testKey.secret };
    await call(listInventory, { path: "/api/v1/inventory", key: { keyId: live.key.keyId, secret: live.secret } });
    await call(listInventory, { path: "/api/v1/inventory", key: creds });
    await call(listInventory, {
      path: "/api/v1/inventory",
      key: { keyId: otherTestKey.key.keyId, secret: otherTestKey.secret },
    });
    await services().logWriter.flush();

    const keys = await call(listKeysRoute, { path: "/api/v1/keys", key: creds });
    expect(keys.status).toBe(200);
    expect(new Set(keys.body!.data.map((k: { keyId: string }) => k.keyId))).toEqual(
      new Set([testKey.key.keyId, otherTestKey.key.keyId]),
    );
    const logs = await call(listLogsRoute, { path: "/api/v1/logs?range=1h", key: creds });
    expect(logs.status).toBe(200);
    expect(logs.body!.data.length).toBeGreaterThan(0);
    expect(logs.body!.data.every((r: { environment: string }) => r.environment === "test")).toBe(true);
    // The traffic of every test key of the owner, not only the caller's; a live key's, even asked for by id, never.
    expect(new Set(logs.body!.data.map((r: { keyId: string }) => r.keyId))).toEqual(
      new Set([testKey.key.keyId, otherTestKey.key.keyId]),
    );
    const asked = await call(listLogsRoute, { path: `/api/v1/logs?range=1h&keyId=${live.key.keyId}`, key: creds });
    expect(asked.status).toBe(200);
    expect(asked.body!.data).toEqual([]);
  });
});

describe("unauthenticated callers are throttled per IP", () => {
  it("after the per-IP allowance, refusals become 429 rate_limited; other IPs and valid keys are unaffected", async () => {
    const env = { ...services().env, KEYWARD_UNAUTH_LIMIT_PER_MINUTE: 5 };
    const restore = overrideServices({ env: () => env });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await call(listInventory, {
          path: "/api/v1/inventory",
          ip: "198.51.100.99",
          headers: { "x-api-key": "kw_live_0000000000000000", "x-api-secret": "nope" },
        });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.body!.error.code).toBe("rate_limited");
          expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        }
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const elsewhere = await call(listInventory, { path: "/api/v1/inventory", ip: "198.51.100.100" });
      expect(elsewhere.status).toBe(401);
      const owner = await makeUser();
      const good = await makeKey(owner, { scopes: ["inventory:read"] });
      const ok = await call(listInventory, {
        path: "/api/v1/inventory",
        ip: "198.51.100.99",
        key: { keyId: good.key.keyId, secret: good.secret },
      });
      expect(ok.status).toBe(200);
    } finally {
      restore();
    }
  });
});
