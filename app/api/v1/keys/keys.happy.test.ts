import { describe, expect, it } from "vitest";
import { GET as listKeysRoute, POST as createKeyRoute } from "./route";
import { GET as getKeyRoute, PATCH as updateKeyRoute } from "./[keyId]/route";
import { POST as rotateKeyRoute } from "./[keyId]/rotate/route";
import { POST as revokeKeyRoute } from "./[keyId]/revoke/route";
import { GET as listInventoryRoute } from "../inventory/route";
import { call, credsOf, makeKey, makeUser } from "@/test/fixtures";
import { db } from "@/lib/db";
import { hashSecret } from "@/lib/keys/secret-hash";

const automation = async () => {
  const owner = await makeUser();
  const admin = await makeKey(owner, { name: "automation", scopes: ["inventory:read", "keys:read", "keys:write"] });
  return { owner, admin, creds: credsOf(admin) };
};

describe("key management API with a keys:* key (happy)", () => {
  it("creates a key within its own scopes (201, secret once), owned by the calling key's owner, audited as the key", async () => {
    const { owner, admin, creds } = await automation();
    const res = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      ip: "198.51.100.7",
      body: { name: "child", scopes: ["inventory:read"], environment: "live" },
    });
    expect(res.status).toBe(201);
    expect(res.body!.secret).toMatch(/^kwsec_live_/);
    expect(res.body!.key).toMatchObject({ name: "child", scopes: ["inventory:read"], status: "active" });
    const row = await db().apiKey.findUniqueOrThrow({
      where: { keyId: res.body!.key.keyId },
      include: { secrets: true, auditEvents: true },
    });
    expect(row.ownerId).toBe(owner.userId);
    expect(row.createdByKeyId).toBe(admin.key.keyId);
    expect(row.secrets[0]!.secretHash).toBe(hashSecret(res.body!.secret));
    expect(
      row.auditEvents.map((a) => ({ action: a.action, actorLabel: a.actorLabel, actorKeyId: a.actorKeyId, ip: a.ip })),
    ).toEqual([
      { action: "created", actorLabel: `key ${admin.key.keyId}`, actorKeyId: admin.key.keyId, ip: "198.51.100.7" },
    ]);
    // The new secret works at once.
    const probe = await call(listInventoryRoute, {
      path: "/api/v1/inventory",
      key: { keyId: res.body!.key.keyId, secret: res.body!.secret },
    });
    expect(probe.status).toBe(200);
  });

  it("lists (only its owner's keys), gets, updates, rotates and revokes", async () => {
    const { owner, admin, creds } = await automation();
    const child = await makeKey(owner, { name: "child", scopes: ["inventory:read"] });
    await makeKey(await makeUser(), { name: "someone else's" });

    const list = await call(listKeysRoute, { path: "/api/v1/keys", key: creds });
    expect(list.status).toBe(200);
    expect(list.body!.data.map((k: { keyId: string }) => k.keyId).sort()).toEqual(
      [admin.key.keyId, child.key.keyId].sort(),
    );
    expect(JSON.stringify(list.body)).not.toContain("kwsec_");

    const got = await call(getKeyRoute, {
      path: `/api/v1/keys/${child.key.keyId}`,
      key: creds,
      params: { keyId: child.key.keyId },
    });
    expect(got.status).toBe(200);
    expect(got.body!.data).toMatchObject({ keyId: child.key.keyId, name: "child" });

    const patched = await call(updateKeyRoute, {
      method: "PATCH",
      path: `/api/v1/keys/${child.key.keyId}`,
      key: creds,
      params: { keyId: child.key.keyId },
      body: { name: "renamed" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body!.data.name).toBe("renamed");

    // Rotate accepts an empty body (grace 0).
    const rotated = await call(rotateKeyRoute, {
      method: "POST",
      path: `/api/v1/keys/${child.key.keyId}/rotate`,
      key: creds,
      params: { keyId: child.key.keyId },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body!.secret).toMatch(/^kwsec_live_/);
    expect(rotated.body!.key.secretsInGrace).toEqual([]);
    expect((await call(listInventoryRoute, { path: "/api/v1/inventory", key: credsOf(child) })).status).toBe(401);

    const revoked = await call(revokeKeyRoute, {
      method: "POST",
      path: `/api/v1/keys/${child.key.keyId}/revoke`,
      key: creds,
      params: { keyId: child.key.keyId },
      body: { reason: "rotated out" },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body!.data).toMatchObject({ status: "revoked", revokedReason: "rotated out" });
    const probe = await call(listInventoryRoute, {
      path: "/api/v1/inventory",
      key: { keyId: child.key.keyId, secret: rotated.body!.secret },
    });
    expect(probe.body!.error.code).toBe("key_revoked");
  });
});
