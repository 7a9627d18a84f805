import { describe, expect, it } from "vitest";
import { GET as listPartnersRoute, POST as createPartnerRoute } from "./route";
import { GET as getPartnerRoute, PATCH as updatePartnerRoute } from "./[id]/route";
import { POST as createKeyRoute } from "../keys/route";
import { GET as listInventoryRoute } from "../inventory/route";
import { GET as listOffersRoute } from "../offers/route";
import { call, credsOf, makeKey, makeUser } from "@/test/fixtures";
import { db } from "@/lib/db";
import { services } from "@/lib/services";
import { revokePartnerKeys, rotatePartnerKeys } from "@/lib/partners/partner-key-actions";

const automation = async () => {
  const owner = await makeUser();
  const admin = await makeKey(owner, { name: "automation", scopes: ["inventory:read", "keys:read", "keys:write"] });
  return { owner, creds: credsOf(admin) };
};

describe("partners API (happy)", () => {
  it("creates a partner (201), lists and reads it, renames it; a key names it by id or by name", async () => {
    const { creds } = await automation();
    const created = await call(createPartnerRoute, {
      method: "POST",
      path: "/api/v1/partners",
      key: creds,
      body: { name: "Acme", contactEmail: "Ops@Acme.example", notes: "feed since 2019" },
    });
    expect(created.status).toBe(201);
    const partner = created.body!.data;
    expect(partner).toMatchObject({
      name: "Acme",
      contactEmail: "ops@acme.example",
      notes: "feed since 2019",
      keys: { total: 0, active: 0, legacy: 0 },
      requests7d: 0,
      errorRate7d: 0,
      lastRequestAt: null,
    });

    const byId = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: { name: "feed", scopes: ["inventory:read"], partnerId: partner.id },
    });
    expect(byId.status).toBe(201);
    expect(byId.body!.key).toMatchObject({ partnerId: partner.id, partner: "Acme", legacy: false });
    // A name the owner already has is the same partner; a new one is created with the key.
    const byName = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: { name: "feed 2", scopes: ["inventory:read"], partner: "Acme" },
    });
    expect(byName.body!.key.partnerId).toBe(partner.id);
    const inline = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: { name: "other", scopes: ["inventory:read"], partner: "Globex" },
    });
    expect(inline.body!.key.partner).toBe("Globex");

    const list = await call(listPartnersRoute, { path: "/api/v1/partners", key: creds });
    expect(list.status).toBe(200);
    expect(list.body!.data.map((p: { name: string }) => p.name)).toEqual(["Acme", "Globex"]);
    expect(list.body!.data[0].keys).toEqual({ total: 2, active: 2, legacy: 0 });
    expect(list.body!.data[0].scopesGranted).toEqual(["inventory:read"]);

    const renamed = await call(updatePartnerRoute, {
      method: "PATCH",
      path: `/api/v1/partners/${partner.id}`,
      key: creds,
      params: { id: partner.id },
      body: { name: "Acme Ltd" },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body!.data.name).toBe("Acme Ltd");
    const got = await call(getPartnerRoute, {
      path: `/api/v1/partners/${partner.id}`,
      key: creds,
      params: { id: partner.id },
    });
    expect(got.body!.data.name).toBe("Acme Ltd");
    // The request log records the partner's current name: the rename reached the key cache.
    const feed = { keyId: byId.body!.key.keyId, secret: byId.body!.secret };
    await call(listInventoryRoute, { path: "/api/v1/inventory", key: feed });
    await services().logWriter.flush();
    const logged = await db().requestLog.findFirstOrThrow({ where: { keyId: feed.keyId } });
    expect(logged.partner).toBe("Acme Ltd");
  });

  it("shows each partner's traffic: last request, 7-day volume, error rate and the scopes actually used", async () => {
    const { owner, creds } = await automation();
    const a = await makeKey(owner, { name: "a", scopes: ["inventory:read"], partner: "Initech" });
    const b = await makeKey(owner, { name: "b", scopes: ["inventory:read", "offers:read"], partner: "Initech" });
    for (let i = 0; i < 3; i++) await call(listInventoryRoute, { path: "/api/v1/inventory", key: credsOf(a) });
    await call(listOffersRoute, { path: "/api/v1/offers", key: credsOf(a) }); // 403: a lacks offers:read
    await services().logWriter.flush();
    const list = await call(listPartnersRoute, { path: "/api/v1/partners", key: creds });
    const initech = list.body!.data.find((p: { name: string }) => p.name === "Initech");
    expect(initech).toMatchObject({
      keys: { total: 2, active: 2, legacy: 0 },
      requests7d: 4,
      errorRate7d: 0.25,
      scopesGranted: ["inventory:read", "offers:read"],
      scopesInUse: ["inventory:read"],
    });
    expect(initech.lastRequestAt).not.toBeNull();
    void b;
  });

  it("rotate all / revoke all act on each key of the partner through the key lifecycle: audited, refused on the next request", async () => {
    const owner = await makeUser();
    const keys = await Promise.all(
      ["one", "two", "three"].map((name) => makeKey(owner, { name, scopes: ["inventory:read"], partner: "Hooli" })),
    );
    const other = await makeKey(owner, { name: "not hooli", scopes: ["inventory:read"], partner: "Umbrella" });
    const partnerId = (await db().partner.findFirstOrThrow({ where: { ownerId: owner.userId, name: "Hooli" } })).id;

    const rotated = await rotatePartnerKeys(owner, partnerId, { graceSeconds: 0 });
    expect(rotated.map((o) => o.ok)).toEqual([true, true, true]);
    for (const [i, k] of keys.entries()) {
      const old = await call(listInventoryRoute, { path: "/api/v1/inventory", key: credsOf(k) });
      expect(old.status).toBe(401);
      const fresh = rotated.find((o) => o.keyId === k.key.keyId)!;
      const now = await call(listInventoryRoute, {
        path: "/api/v1/inventory",
        key: { keyId: k.key.keyId, secret: fresh.ok && fresh.secret ? fresh.secret : "" },
      });
      expect(now.status, `key ${i}`).toBe(200);
    }

    const revoked = await revokePartnerKeys(owner, partnerId, { reason: "contract ended" });
    expect(revoked).toHaveLength(3);
    for (const o of rotated) {
      const res = await call(listInventoryRoute, {
        path: "/api/v1/inventory",
        key: { keyId: o.keyId, secret: o.ok && o.secret ? o.secret : "" },
      });
      expect(res.status).toBe(401);
      expect(res.body!.error.code).toBe("key_revoked");
    }
    const audits = await db().auditEvent.findMany({
      where: { apiKey: { partnerId } },
      select: { action: true },
    });
    expect(audits.filter((a) => a.action === "rotated")).toHaveLength(3);
    expect(audits.filter((a) => a.action === "revoked")).toHaveLength(3);
    // Another partner's key is untouched.
    expect((await call(listInventoryRoute, { path: "/api/v1/inventory", key: credsOf(other) })).status).toBe(200);
  });
});
