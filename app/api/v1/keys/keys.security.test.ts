import { describe, expect, it, test } from "vitest";
import { GET as listKeysRoute, POST as createKeyRoute } from "./route";
import { GET as getKeyRoute, PATCH as updateKeyRoute } from "./[keyId]/route";
import { POST as rotateKeyRoute } from "./[keyId]/rotate/route";
import { POST as revokeKeyRoute } from "./[keyId]/revoke/route";
import { call, credsOf, expectErrorBody, keyTableCounts, makeKey, makeUser } from "@/test/fixtures";
import { db } from "@/lib/db";
import type { Scope } from "@/lib/scopes";

const ESCALATION = "a key can only manage keys within its own scopes.";

describe("no escalation through the key management API", () => {
  it("a keys:write key cannot create a key with offers:write it lacks: 403 insufficient_scope, nothing written", async () => {
    const owner = await makeUser();
    const admin = await makeKey(owner, { scopes: ["inventory:read", "keys:write"] });
    const before = await keyTableCounts();
    const res = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: credsOf(admin),
      body: { name: "stronger", scopes: ["inventory:read", "offers:write"] },
    });
    expectErrorBody(res, {
      status: 403,
      code: "insufficient_scope",
      message: `This key cannot grant offers:write: ${ESCALATION}`,
      details: { missingScopes: ["offers:write"] },
    });
    expect(await keyTableCounts()).toEqual(before);
  });

  test.each([
    ["rotate", rotateKeyRoute, "POST", "/rotate", { graceSeconds: 0 }],
    ["update", updateKeyRoute, "PATCH", "", { name: "mine now" }],
  ] as const)("a keys:write key cannot %s a key holding scopes it lacks", async (_op, route, method, suffix, body) => {
    const owner = await makeUser();
    const admin = await makeKey(owner, { scopes: ["keys:read", "keys:write"] });
    const strong = await makeKey(owner, { name: "strong", scopes: ["offers:read", "offers:write"] });
    const before = await keyTableCounts();
    const res = await call(route, {
      method,
      path: `/api/v1/keys/${strong.key.keyId}${suffix}`,
      key: credsOf(admin),
      params: { keyId: strong.key.keyId },
      body,
    });
    expectErrorBody(res, {
      status: 403,
      code: "insufficient_scope",
      message: `This key cannot change ${strong.key.keyId}, which holds offers:read, offers:write: ${ESCALATION}`,
      details: { missingScopes: ["offers:read", "offers:write"] },
    });
    expect(await keyTableCounts()).toEqual(before);
  });

  it("a keys:write key cannot widen a weaker key beyond its own scopes", async () => {
    const owner = await makeUser();
    const admin = await makeKey(owner, { scopes: ["inventory:read", "keys:write"] });
    const weak = await makeKey(owner, { scopes: ["inventory:read"] });
    const res = await call(updateKeyRoute, {
      method: "PATCH",
      path: `/api/v1/keys/${weak.key.keyId}`,
      key: credsOf(admin),
      params: { keyId: weak.key.keyId },
      body: { scopes: ["inventory:read", "logs:read"] },
    });
    expect(res.status).toBe(403);
    expect(res.body!.error.details).toEqual({ missingScopes: ["logs:read"] });
    expect((await db().apiKey.findUniqueOrThrow({ where: { keyId: weak.key.keyId } })).scopes).toBe(
      '["inventory:read"]',
    );
  });

  it("a test key cannot create a live key, but can create a test key", async () => {
    const owner = await makeUser();
    const testAdmin = await makeKey(owner, { environment: "test", scopes: ["keys:write"] });
    const before = await keyTableCounts();
    const live = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: credsOf(testAdmin),
      body: { name: "live", environment: "live" },
    });
    expectErrorBody(live, {
      status: 403,
      code: "insufficient_scope",
      message: "A test key cannot manage or create live keys.",
      details: { missingScopes: [] },
    });
    expect(await keyTableCounts()).toEqual(before);
    const test = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: credsOf(testAdmin),
      body: { name: "sandbox", environment: "test" },
    });
    expect(test.status).toBe(201);
    expect(test.body!.key.environment).toBe("test");
  });

  // A sandbox key cannot even see live keys: they answer 404, as another owner's would.
  it("a test key cannot rotate a live key", async () => {
    const owner = await makeUser();
    const testAdmin = await makeKey(owner, { environment: "test", scopes: ["keys:write"] });
    const live = await makeKey(owner, { scopes: [] });
    const res = await call(rotateKeyRoute, {
      method: "POST",
      path: `/api/v1/keys/${live.key.keyId}/rotate`,
      key: credsOf(testAdmin),
      params: { keyId: live.key.keyId },
      body: {},
    });
    expect(res.status).toBe(404);
    expect(res.body!.error).toMatchObject({ code: "not_found", message: `No API key with id "${live.key.keyId}".` });
  });

  // A sandbox key with keys:write must not be able to take the owner's production keys down.
  it("a test key cannot revoke a live key", async () => {
    const owner = await makeUser();
    const testAdmin = await makeKey(owner, { environment: "test", scopes: ["keys:write"] });
    const live = await makeKey(owner, { scopes: ["inventory:read"] });
    const res = await call(revokeKeyRoute, {
      method: "POST",
      path: `/api/v1/keys/${live.key.keyId}/revoke`,
      key: credsOf(testAdmin),
      params: { keyId: live.key.keyId },
      body: { reason: "sandbox script gone wrong" },
    });
    expect(res.status).toBe(404);
    expect((await db().apiKey.findUniqueOrThrow({ where: { keyId: live.key.keyId } })).status).toBe("active");
  });
});

describe("scopes on the key management routes", () => {
  const cases: [string, Scope[], string, (keyId: string) => Parameters<typeof call>[1], Parameters<typeof call>[0]][] =
    [
      ["GET /api/v1/keys", ["keys:write"], "keys:read", () => ({ path: "/api/v1/keys" }), listKeysRoute],
      [
        "GET /api/v1/keys/{keyId}",
        ["keys:write"],
        "keys:read",
        (id) => ({ path: `/api/v1/keys/${id}`, params: { keyId: id } }),
        getKeyRoute,
      ],
      [
        "POST /api/v1/keys",
        ["keys:read"],
        "keys:write",
        () => ({ method: "POST", path: "/api/v1/keys", body: { name: "x" } }),
        createKeyRoute,
      ],
      [
        "PATCH /api/v1/keys/{keyId}",
        ["inventory:read", "offers:read", "offers:write", "logs:read", "keys:read"],
        "keys:write",
        (id) => ({ method: "PATCH", path: `/api/v1/keys/${id}`, params: { keyId: id }, body: { name: "x" } }),
        updateKeyRoute,
      ],
      [
        "POST /api/v1/keys/{keyId}/rotate",
        ["keys:read"],
        "keys:write",
        (id) => ({ method: "POST", path: `/api/v1/keys/${id}/rotate`, params: { keyId: id }, body: {} }),
        rotateKeyRoute,
      ],
      [
        "POST /api/v1/keys/{keyId}/revoke",
        ["keys:read"],
        "keys:write",
        (id) => ({ method: "POST", path: `/api/v1/keys/${id}/revoke`, params: { keyId: id }, body: { reason: "x" } }),
        revokeKeyRoute,
      ],
    ];

  test.each(cases)("%s refuses a key holding %j (needs %s)", async (label, scopes, needed, init, route) => {
    const owner = await makeUser();
    const caller = await makeKey(owner, { scopes });
    const target = await makeKey(owner, { name: "target" });
    const before = await keyTableCounts();
    const [method, path] = label.split(" ");
    const res = await call(route, { ...init(target.key.keyId), key: credsOf(caller) });
    expectErrorBody(res, {
      status: 403,
      code: "insufficient_scope",
      message: `This key lacks the ${needed} scope needed for ${method} ${path}.`,
      details: { requiredScope: needed, grantedScopes: scopes },
    });
    expect(await keyTableCounts()).toEqual(before);
  });

  test.each([
    ["GET", getKeyRoute, ""],
    ["PATCH", updateKeyRoute, ""],
    ["POST", rotateKeyRoute, "/rotate"],
    ["POST", revokeKeyRoute, "/revoke"],
  ] as const)("%s /api/v1/keys/{keyId}%s on another owner's key is 404", async (method, route, suffix) => {
    const mallory = await makeUser();
    const caller = await makeKey(mallory, { scopes: ["keys:read", "keys:write"] });
    const victim = await makeKey(await makeUser(), { name: "victim", scopes: [] });
    const res = await call(route, {
      method,
      path: `/api/v1/keys/${victim.key.keyId}${suffix}`,
      params: { keyId: victim.key.keyId },
      key: credsOf(caller),
      body:
        method === "GET"
          ? undefined
          : suffix === "/revoke"
            ? { reason: "x" }
            : suffix === "/rotate"
              ? {}
              : { name: "x" },
    });
    expectErrorBody(res, { status: 404, code: "not_found", message: `No API key with id "${victim.key.keyId}".` });
    const row = await db().apiKey.findUniqueOrThrow({ where: { keyId: victim.key.keyId } });
    expect({ name: row.name, status: row.status }).toEqual({ name: "victim", status: "active" });
  });
});
