import { describe, expect, it } from "vitest";
import { POST as rotateKeyRoute } from "./[keyId]/rotate/route";
import { POST as revokeKeyRoute } from "./[keyId]/revoke/route";
import { POST as endGraceRoute } from "./[keyId]/end-grace/route";
import { GET as inventoryRoute } from "../inventory/route";
import { call, credsOf, expectErrorBody, keyTableCounts, makeKey, makeUser, rejectionOf } from "@/test/fixtures";
import { db } from "@/lib/db";
import { endGrace } from "@/lib/keys/end-grace";
import { getKeyAuditOrThrow } from "@/lib/keys/get-key-or-throw";
import { services } from "@/lib/services";

/** A key rotated with a grace period: its old credentials still work until end-grace. */
async function rotatedKey(scopes: ("inventory:read" | "keys:write")[] = ["inventory:read"]) {
  const owner = await makeUser();
  const made = await makeKey(owner, { name: "Rotated", scopes });
  const admin = await makeKey(owner, { name: "Admin", scopes: ["inventory:read", "keys:write"] });
  const rotated = await call(rotateKeyRoute, {
    method: "POST",
    path: `/api/v1/keys/${made.key.keyId}/rotate`,
    params: { keyId: made.key.keyId },
    key: credsOf(admin),
    body: { graceSeconds: 86_400 },
  });
  expect(rotated.status).toBe(200);
  return { owner, admin, old: credsOf(made), fresh: { keyId: made.key.keyId, secret: rotated.body!.secret as string } };
}

const endGraceCall = (keyId: string, key?: { keyId: string; secret: string }) =>
  call(endGraceRoute, { method: "POST", path: `/api/v1/keys/${keyId}/end-grace`, params: { keyId }, key });

describe("POST /api/v1/keys/{keyId}/end-grace: happy path", () => {
  it("retires the old secret at once: the next request with it is refused, the new one works, audited grace_ended", async () => {
    const { owner, admin, old, fresh } = await rotatedKey();
    expect((await call(inventoryRoute, { path: "/api/v1/inventory", key: old })).status).toBe(200);
    // Warm the cache with the key in grace, so the test shows the change reaches a cached key.
    await services().keyCache.get(old.keyId);

    const res = await endGraceCall(old.keyId, credsOf({ key: admin.key, secret: admin.secret }));
    expect(res.status).toBe(200);
    expect(res.body!.data).toMatchObject({ keyId: old.keyId, status: "active", secretsInGrace: [] });

    const refused = await call(inventoryRoute, { path: "/api/v1/inventory", key: old });
    expectErrorBody(refused, {
      status: 401,
      code: "invalid_credentials",
      message: "The API key id or secret is wrong. Check both values, or create a new key.",
    });
    expect((await call(inventoryRoute, { path: "/api/v1/inventory", key: fresh })).status).toBe(200);

    const [latest] = await getKeyAuditOrThrow(owner, old.keyId);
    expect(latest).toMatchObject({ action: "grace_ended", actor: `key ${admin.key.keyId}` });
    expect(latest!.changes).toEqual({
      retiredSecretLastFour: old.secret.slice(-4),
      graceWasUntil: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("works from the dashboard (session user) through lib", async () => {
    const { owner, old } = await rotatedKey();
    const view = await endGrace(owner, old.keyId);
    expect(view.secretsInGrace).toEqual([]);
    const secrets = await db().keySecret.findMany({ where: { apiKey: { keyId: old.keyId } } });
    expect(secrets.filter((s) => s.retiresAt === null)).toHaveLength(1);
    expect(secrets.filter((s) => s.retiresAt !== null && s.retiresAt.getTime() > Date.now())).toEqual([]);
  });
});

describe("POST /api/v1/keys/{keyId}/end-grace: errors", () => {
  it("409 conflict when no secret is in grace, nothing written", async () => {
    const owner = await makeUser();
    const admin = await makeKey(owner, { scopes: ["keys:write"] });
    const plain = await makeKey(owner, { scopes: [] });
    const before = await keyTableCounts();
    expectErrorBody(await endGraceCall(plain.key.keyId, credsOf(admin)), {
      status: 409,
      code: "conflict",
      message: `${plain.key.keyId} has no previous secret in a grace period; there is nothing to retire.`,
    });
    expect(await keyTableCounts()).toEqual(before);
  });

  it("409 conflict for a revoked key", async () => {
    const { admin, old } = await rotatedKey();
    const revoked = await call(revokeKeyRoute, {
      method: "POST",
      path: `/api/v1/keys/${old.keyId}/revoke`,
      params: { keyId: old.keyId },
      key: credsOf({ key: admin.key, secret: admin.secret }),
      body: { reason: "done" },
    });
    expect(revoked.status).toBe(200);
    expectErrorBody(await endGraceCall(old.keyId, credsOf({ key: admin.key, secret: admin.secret })), {
      status: 409,
      code: "conflict",
      message: `${old.keyId} is revoked; none of its secrets is accepted.`,
    });
  });

  it("404 for an unknown key id", async () => {
    const owner = await makeUser();
    const admin = await makeKey(owner, { scopes: ["keys:write"] });
    expectErrorBody(await endGraceCall("kw_live_AAAAAAAAAAAAAAAA", credsOf(admin)), {
      status: 404,
      code: "not_found",
      message: 'No API key with id "kw_live_AAAAAAAAAAAAAAAA".',
    });
  });
});

describe("POST /api/v1/keys/{keyId}/end-grace: security", () => {
  it("another owner's key is not found, and keeps its grace", async () => {
    const { old } = await rotatedKey();
    const stranger = await makeUser();
    const theirAdmin = await makeKey(stranger, { scopes: ["keys:write"] });
    expectErrorBody(await endGraceCall(old.keyId, credsOf(theirAdmin)), {
      status: 404,
      code: "not_found",
      message: `No API key with id "${old.keyId}".`,
    });
    expect((await call(inventoryRoute, { path: "/api/v1/inventory", key: old })).status).toBe(200);
  });

  it("a key without keys:write is refused 403 insufficient_scope", async () => {
    const { old, owner } = await rotatedKey();
    const reader = await makeKey(owner, { scopes: ["keys:read"] });
    const res = await endGraceCall(old.keyId, credsOf(reader));
    expect(res.status).toBe(403);
    expect(res.body!.error.code).toBe("insufficient_scope");
    expect((await call(inventoryRoute, { path: "/api/v1/inventory", key: old })).status).toBe(200);
  });

  it("support staff cannot end another user's grace (forbidden): only its owner changes a key", async () => {
    const { old } = await rotatedKey();
    const support = await makeUser("support");
    const err = await rejectionOf(endGrace(support, old.keyId));
    expect(err.code).toBe("forbidden");
  });
});
