import { describe, expect, it, test } from "vitest";
import { GET as listRoute } from "./route";
import { GET as getRoute } from "./[id]/route";
import { call, credsOf, expectErrorBody, makeKey, makeUser } from "@/test/fixtures";
import { db } from "@/lib/db";
import { generateSecret, generateKeyId } from "@/lib/keys/key-format";
import { invalidateKey } from "@/lib/keys/invalidate-key";
import { revokeKey } from "@/lib/keys/revoke-key";

const PATH = "/api/v1/inventory";
const reader = async (input: Record<string, unknown> = {}) => {
  const owner = await makeUser();
  return { owner, made: await makeKey(owner, { scopes: ["inventory:read"], ...input }) };
};

describe("missing_credentials (401)", () => {
  test.each([
    [
      "no credentials at all",
      {},
      "Send your API key id in X-API-Key and its secret in X-API-Secret (or use HTTP Basic auth).",
    ],
    [
      "only X-API-Key",
      { "x-api-key": "kw_live_0000000000000000" },
      "X-API-Key was sent without X-API-Secret: send both headers.",
    ],
    [
      "only X-API-Secret",
      { "x-api-secret": "kwsec_live_x" },
      "X-API-Secret was sent without X-API-Key: send both headers.",
    ],
    [
      "a Bearer token",
      { authorization: "Bearer abc" },
      "Authorization must use the Basic scheme: base64(keyId:secret).",
    ],
    [
      "Basic without a colon",
      { authorization: `Basic ${Buffer.from("kw_live_x").toString("base64")}` },
      "Authorization: Basic must encode keyId:secret.",
    ],
  ])("%s", async (_label, headers, message) => {
    expectErrorBody(await call(listRoute, { path: PATH, headers }), {
      status: 401,
      code: "missing_credentials",
      message,
    });
  });
});

describe("invalid_credentials (401)", () => {
  it("an unknown key id, a wrong secret and a malformed secret get byte-identical bodies apart from the request id", async () => {
    const { made } = await reader();
    const attempts = [
      { keyId: generateKeyId("live"), secret: generateSecret("live") },
      { keyId: made.key.keyId, secret: generateSecret("live") },
      { keyId: made.key.keyId, secret: made.secret.slice(0, -1) + (made.secret.endsWith("A") ? "B" : "A") },
      { keyId: "not-a-key-id", secret: made.secret },
    ];
    const texts: string[] = [];
    for (const key of attempts) {
      const res = await call(listRoute, { path: PATH, key });
      expectErrorBody(res, {
        status: 401,
        code: "invalid_credentials",
        message: "The API key id or secret is wrong. Check both values, or create a new key.",
      });
      texts.push(JSON.stringify(res.body).replace(res.headers.get("x-request-id")!, "REQ"));
    }
    expect(new Set(texts).size).toBe(1);
  });

  it("HTTP Basic with the right pair works, with a wrong secret it is invalid_credentials", async () => {
    const { made } = await reader();
    const basic = (secret: string) => ({
      authorization: `Basic ${Buffer.from(`${made.key.keyId}:${secret}`).toString("base64")}`,
    });
    expect((await call(listRoute, { path: PATH, headers: basic(made.secret) })).status).toBe(200);
    expect((await call(listRoute, { path: PATH, headers: basic(generateSecret("live")) })).body!.error.code).toBe(
      "invalid_credentials",
    );
  });
});

describe("key state", () => {
  it("key_revoked (401)", async () => {
    const { owner, made } = await reader();
    await revokeKey(owner, made.key.keyId, { reason: "test" });
    expectErrorBody(await call(listRoute, { path: PATH, key: credsOf(made) }), {
      status: 401,
      code: "key_revoked",
      message: `API key ${made.key.keyId} has been revoked. Use another key.`,
    });
  });

  it("key_expired (401)", async () => {
    const { made } = await reader();
    await db().apiKey.update({ where: { keyId: made.key.keyId }, data: { expiresAt: new Date(Date.now() - 1) } });
    invalidateKey(made.key.keyId);
    expectErrorBody(await call(listRoute, { path: PATH, key: credsOf(made) }), {
      status: 401,
      code: "key_expired",
      message: `API key ${made.key.keyId} has expired. Extend its expiry or use another key.`,
    });
  });
});

describe("ip_not_allowed (403)", () => {
  test.each([
    [["10.0.0.0/8"], "203.0.113.10", false],
    [["10.0.0.0/8"], "10.200.3.4", true],
    [["10.0.0.0/8"], "::ffff:10.1.2.3", true],
    [["10.0.0.0/8"], "11.0.0.1", false],
    [["203.0.113.10"], "203.0.113.10", true],
    [["203.0.113.10"], "203.0.113.11", false],
    [["2001:db8::/32"], "2001:db8:1::7", true],
    [["2001:db8::/32"], "2001:db9::1", false],
    [["2001:db8::/32"], "203.0.113.10", false],
    [["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", true],
  ])("allowlist %j, caller %s -> allowed %s", async (allowlist, ip, allowed) => {
    const { made } = await reader({ ipAllowlist: allowlist });
    const res = await call(listRoute, { path: PATH, key: credsOf(made), ip });
    if (allowed) {
      expect(res.status).toBe(200);
    } else {
      expectErrorBody(res, {
        status: 403,
        code: "ip_not_allowed",
        message: `Requests from ${ip} are not allowed for API key ${made.key.keyId}.`,
      });
    }
  });
});

describe("insufficient_scope (403)", () => {
  it("names the missing scope and the granted ones", async () => {
    const made = await makeKey(await makeUser(), { scopes: ["offers:read", "logs:read"] });
    expectErrorBody(await call(listRoute, { path: PATH, key: credsOf(made) }), {
      status: 403,
      code: "insufficient_scope",
      message: "This key lacks the inventory:read scope needed for GET /api/v1/inventory.",
      details: { requiredScope: "inventory:read", grantedScopes: ["offers:read", "logs:read"] },
    });
  });
});

describe("rate_limited (429)", () => {
  it("with 2 per minute, the third call is refused with Retry-After and RateLimit-* headers", async () => {
    const { made } = await reader({ rateLimitPerMinute: 2 });
    const first = await call(listRoute, { path: PATH, key: credsOf(made) });
    const second = await call(listRoute, { path: PATH, key: credsOf(made) });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.headers.get("ratelimit-limit"), first.headers.get("ratelimit-remaining")]).toEqual(["2", "1"]);
    expect([second.headers.get("ratelimit-limit"), second.headers.get("ratelimit-remaining")]).toEqual(["2", "0"]);

    const third = await call(listRoute, { path: PATH, key: credsOf(made) });
    const retryAfter = Number(third.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(third.headers.get("ratelimit-limit")).toBe("2");
    expect(third.headers.get("ratelimit-remaining")).toBe("0");
    expect(third.headers.get("ratelimit-reset")).toBe(String(retryAfter));
    expectErrorBody(third, {
      status: 429,
      code: "rate_limited",
      message: `Rate limit of 2 requests per minute reached for ${made.key.keyId}. Retry in ${retryAfter} s.`,
    });
  });

  it("keys without a limit send no RateLimit headers", async () => {
    const { made } = await reader();
    const res = await call(listRoute, { path: PATH, key: credsOf(made) });
    expect(res.headers.get("ratelimit-limit")).toBeNull();
  });
});

describe("validation_failed (400) for the query", () => {
  test.each([
    ["?condition=Z", "query.condition", "expected one of A, B, C, D"],
    ["?limit=0", "query.limit", "must be at least 1"],
    ["?limit=101", "query.limit", "at most 100"],
    ["?minPriceCents=abc", "query.minPriceCents", "expected a whole number of cents"],
    ["?minPriceCents=-1", "query.minPriceCents", "must be 0 or more"],
    ["?minPriceCents=500&maxPriceCents=100", "query.minPriceCents", "minPriceCents must not exceed maxPriceCents"],
  ])("%s -> %s: %s", async (query, field, message) => {
    const { made } = await reader();
    expectErrorBody(await call(listRoute, { path: `${PATH}${query}`, key: credsOf(made) }), {
      status: 400,
      code: "validation_failed",
      message: `${field}: ${message}`,
      details: { issues: [{ field, message }] },
    });
  });

  it("an unknown query parameter is refused and named", async () => {
    const { made } = await reader();
    const res = await call(listRoute, { path: `${PATH}?colour=red`, key: credsOf(made) });
    expect(res.status).toBe(400);
    expect(res.body!.error.code).toBe("validation_failed");
    expect(res.body!.error.message).toContain('"colour"');
  });
});

describe("not_found (404)", () => {
  it("an unknown inventory item", async () => {
    const { made } = await reader();
    expectErrorBody(await call(getRoute, { path: `${PATH}/nope`, key: credsOf(made), params: { id: "nope" } }), {
      status: 404,
      code: "not_found",
      message: 'No inventory item with id "nope".',
    });
  });
});
