import { afterEach, describe, expect, it, vi } from "vitest";
import { GET as listInventoryRoute } from "@/app/api/v1/inventory/route";
import { call, expectErrorBody, makeKey, makeUser } from "@/test/fixtures";
import { db } from "@/lib/db";
import { parseOrThrow } from "@/lib/errors";
import { updateKeyInput } from "./key-input";
import { hashSecret } from "./secret-hash";
import { updateKey } from "./update-key";
import { rotateKey } from "./rotate-key";
import { revokeKey } from "./revoke-key";
import { expireDueKeys } from "./expire-keys";
import { getKeyAuditOrThrow, getKeyOrThrow } from "./get-key-or-throw";
import { invalidateKey } from "./invalidate-key";
import { services } from "../services";

/** One request through the real guard (GET /api/v1/inventory needs inventory:read). */
const probe = (keyId: string, secret: string) =>
  call(listInventoryRoute, { path: "/api/v1/inventory", key: { keyId, secret } });

async function auditRows(keyId: string) {
  const key = await db().apiKey.findUniqueOrThrow({ where: { keyId } });
  const rows = await db().auditEvent.findMany({
    where: { apiKeyId: key.id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => ({
    action: r.action,
    actorLabel: r.actorLabel,
    actorUserId: r.actorUserId,
    actorKeyId: r.actorKeyId,
    ip: r.ip,
    changes: JSON.parse(r.changes) as unknown,
  }));
}

afterEach(() => {
  vi.useRealTimers();
});

describe("create", () => {
  it("returns the secret once and stores only its HMAC", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { name: "Feed", partner: "Acme", scopes: ["offers:read", "inventory:read"] });
    const row = await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId }, include: { secrets: true } });

    expect(row.secrets).toHaveLength(1);
    expect(row.secrets[0]!.secretHash).toBe(hashSecret(made.secret));
    expect(row.secrets[0]!.lastFour).toBe(made.secret.slice(-4));
    expect(row.secrets[0]!.retiresAt).toBeNull();
    // Nowhere in the stored rows, nor in what the API shows later, is the secret itself.
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(made.secret);
    expect(stored).not.toContain(made.secret.slice(11, -6));
    expect(JSON.stringify(await getKeyOrThrow(owner, made.key.keyId))).not.toContain(made.secret.slice(11, -6));
    expect(JSON.stringify(made.key)).not.toContain(made.secret.slice(11, -6));

    expect(made.key).toMatchObject({
      name: "Feed",
      partner: "Acme",
      environment: "live",
      scopes: ["inventory:read", "offers:read"],
      status: "active",
      secret: { lastFour: made.secret.slice(-4) },
      secretsInGrace: [],
    });
    expect(made.key.keyId).toMatch(/^kw_live_/);
    expect(made.secret).toMatch(/^kwsec_live_/);
  });

  it("records a created audit entry with the actor's label, id and ip", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, {
      name: "Bot",
      scopes: ["inventory:read"],
      environment: "test",
      rateLimitPerMinute: 5,
    });
    expect(await auditRows(made.key.keyId)).toEqual([
      {
        action: "created",
        actorLabel: owner.email,
        actorUserId: owner.userId,
        actorKeyId: null,
        ip: "203.0.113.10",
        changes: { name: "Bot", environment: "test", scopes: ["inventory:read"], rateLimitPerMinute: 5 },
      },
    ]);
  });

  it("a new key works on its first request", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    expect((await probe(made.key.keyId, made.secret)).status).toBe(200);
  });
});

describe("update", () => {
  it("records exactly the fields that changed, from and to", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { name: "Before", partner: "Acme", scopes: ["inventory:read"] });
    // Parsed as the API and the dashboard parse it: "" clears a text field, so description stays null.
    const input = parseOrThrow(updateKeyInput, {
      name: "After",
      partner: "Acme",
      description: "",
      scopes: ["offers:read", "inventory:read", "offers:read"],
      rateLimitPerMinute: 10,
      ipAllowlist: ["10.0.0.0/8"],
    });
    const view = await updateKey(owner, made.key.keyId, input);
    expect(view).toMatchObject({
      name: "After",
      scopes: ["inventory:read", "offers:read"],
      rateLimitPerMinute: 10,
      ipAllowlist: ["10.0.0.0/8"],
    });
    const audit = await auditRows(made.key.keyId);
    expect(audit).toHaveLength(2);
    expect(audit[1]).toEqual({
      action: "updated",
      actorLabel: owner.email,
      actorUserId: owner.userId,
      actorKeyId: null,
      ip: "203.0.113.10",
      changes: {
        name: { from: "Before", to: "After" },
        scopes: { from: ["inventory:read"], to: ["inventory:read", "offers:read"] },
        ipAllowlist: { from: [], to: ["10.0.0.0/8"] },
        rateLimitPerMinute: { from: null, to: 10 },
      },
    });
  });

  it("an update that changes nothing writes no audit entry", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { name: "Same", scopes: ["inventory:read"] });
    await updateKey(owner, made.key.keyId, { name: "Same", scopes: ["inventory:read"] });
    expect((await auditRows(made.key.keyId)).map((a) => a.action)).toEqual(["created"]);
  });

  it("new scopes apply to the very next request (the warm cache entry is dropped)", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["offers:read"] });
    expect((await probe(made.key.keyId, made.secret)).status).toBe(403);
    await updateKey(owner, made.key.keyId, { scopes: ["offers:read", "inventory:read"] });
    expect((await probe(made.key.keyId, made.secret)).status).toBe(200);
    await updateKey(owner, made.key.keyId, { scopes: ["offers:read"] });
    expect((await probe(made.key.keyId, made.secret)).status).toBe(403);
  });
});

describe("rotate", () => {
  it("with a grace period, old and new secrets both work until the grace ends, then only the new one", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    expect((await probe(made.key.keyId, made.secret)).status).toBe(200); // warm the cache

    const before = Date.now();
    const rotated = await rotateKey(owner, made.key.keyId, { graceSeconds: 60 });
    expect(rotated.secret).not.toBe(made.secret);
    expect(rotated.key.keyId).toBe(made.key.keyId);
    expect(rotated.key.secret?.lastFour).toBe(rotated.secret.slice(-4));
    expect(rotated.key.secretsInGrace).toHaveLength(1);
    expect(rotated.key.secretsInGrace[0]!.lastFour).toBe(made.secret.slice(-4));
    const retiresAt = Date.parse(rotated.key.secretsInGrace[0]!.retiresAt);
    expect(retiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(retiresAt).toBeLessThanOrEqual(Date.now() + 60_000);

    expect((await probe(made.key.keyId, made.secret)).status).toBe(200);
    expect((await probe(made.key.keyId, rotated.secret)).status).toBe(200);

    // The log tells which slot each request used, so the partner can see who still sends the old secret.
    await services().logWriter.flush();
    const slots = await db().requestLog.findMany({
      where: { keyId: made.key.keyId },
      orderBy: { timestamp: "asc" },
      select: { secretSlot: true, status: true },
    });
    expect(slots.slice(-2)).toEqual([
      { secretSlot: "previous", status: 200 },
      { secretSlot: "current", status: 200 },
    ]);

    // One second past the grace end, with the cache still warm: the old secret is refused.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(retiresAt + 1_000);
    expectErrorBody(await probe(made.key.keyId, made.secret), {
      status: 401,
      code: "invalid_credentials",
      message: "The API key id or secret is wrong. Check both values, or create a new key.",
    });
    expect((await probe(made.key.keyId, rotated.secret)).status).toBe(200);
  });

  it("the end of the grace period, set in the database, also holds after a cache reload", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    const rotated = await rotateKey(owner, made.key.keyId, { graceSeconds: 3600 });
    expect((await probe(made.key.keyId, made.secret)).status).toBe(200);
    await db().keySecret.updateMany({
      where: { secretHash: hashSecret(made.secret) },
      data: { retiresAt: new Date(Date.now() - 1000) },
    });
    invalidateKey(made.key.keyId);
    expect((await probe(made.key.keyId, made.secret)).status).toBe(401);
    expect((await probe(made.key.keyId, rotated.secret)).status).toBe(200);
    expect((await getKeyOrThrow(owner, made.key.keyId)).secretsInGrace).toEqual([]);
  });

  it("with grace 0, the old secret is refused at once and the audit entry says so", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    expect((await probe(made.key.keyId, made.secret)).status).toBe(200); // warm
    const rotated = await rotateKey(owner, made.key.keyId, { graceSeconds: 0 });
    expect(rotated.key.secretsInGrace).toEqual([]);
    expect((await probe(made.key.keyId, made.secret)).status).toBe(401);
    expect((await probe(made.key.keyId, rotated.secret)).status).toBe(200);

    const audit = await auditRows(made.key.keyId);
    expect(audit.map((a) => a.action)).toEqual(["created", "rotated"]);
    const changes = audit[1]!.changes as Record<string, unknown>;
    expect(changes).toEqual({
      graceSeconds: 0,
      previousSecretRetiresAt: expect.any(String),
      newSecretLastFour: rotated.secret.slice(-4),
    });
    const retired = await db().keySecret.findUniqueOrThrow({ where: { secretHash: hashSecret(made.secret) } });
    expect(retired.retiresAt?.toISOString()).toBe(changes.previousSecretRetiresAt);
    expect(audit[1]).toMatchObject({ actorLabel: owner.email, ip: "203.0.113.10" });
  });

  it("a second rotation shortens an earlier grace, never lengthens it", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    const first = await rotateKey(owner, made.key.keyId, { graceSeconds: 3600 });
    const second = await rotateKey(owner, made.key.keyId, { graceSeconds: 0 });
    for (const old of [made.secret, first.secret]) expect((await probe(made.key.keyId, old)).status).toBe(401);
    expect((await probe(made.key.keyId, second.secret)).status).toBe(200);
  });
});

describe("revoke", () => {
  it("refuses the next request with key_revoked, even with a warm cache, and records who and why", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    expect((await probe(made.key.keyId, made.secret)).status).toBe(200);
    const view = await revokeKey(owner, made.key.keyId, { reason: "leaked in a log" });
    expect(view).toMatchObject({ status: "revoked", revokedReason: "leaked in a log" });
    expectErrorBody(await probe(made.key.keyId, made.secret), {
      status: 401,
      code: "key_revoked",
      message: `API key ${made.key.keyId} has been revoked. Use another key.`,
    });
    const audit = await auditRows(made.key.keyId);
    expect(audit[audit.length - 1]).toEqual({
      action: "revoked",
      actorLabel: owner.email,
      actorUserId: owner.userId,
      actorKeyId: null,
      ip: "203.0.113.10",
      changes: { reason: "leaked in a log" },
    });
  });
});

describe("expiry", () => {
  it("a key past its expiresAt is refused with key_expired before and after the sweep; the sweep audits it once", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, {
      scopes: ["inventory:read"],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect((await probe(made.key.keyId, made.secret)).status).toBe(200);

    const expiredAt = new Date(Date.now() - 60_000);
    await db().apiKey.update({ where: { keyId: made.key.keyId }, data: { expiresAt: expiredAt } });
    invalidateKey(made.key.keyId); // a change made outside lib/keys (as a script would)
    const refusal = {
      status: 401,
      code: "key_expired",
      message: `API key ${made.key.keyId} has expired. Extend its expiry or use another key.`,
    };
    expectErrorBody(await probe(made.key.keyId, made.secret), refusal);
    expect((await getKeyOrThrow(owner, made.key.keyId)).status).toBe("expired");

    expect(await expireDueKeys()).toBeGreaterThanOrEqual(1);
    await expireDueKeys();
    const audit = await auditRows(made.key.keyId);
    expect(audit.filter((a) => a.action === "expired")).toEqual([
      {
        action: "expired",
        actorLabel: "system",
        actorUserId: null,
        actorKeyId: null,
        ip: null,
        changes: { expiresAt: expiredAt.toISOString() },
      },
    ]);
    expect((await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId } })).status).toBe("expired");
    expectErrorBody(await probe(made.key.keyId, made.secret), refusal);
  });

  it("the guard refuses a key the moment it expires, with the cache warm and no sweep", async () => {
    const owner = await makeUser();
    const expiresAt = Date.now() + 3_600_000;
    const made = await makeKey(owner, { scopes: ["inventory:read"], expiresAt: new Date(expiresAt).toISOString() });
    expect((await probe(made.key.keyId, made.secret)).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(expiresAt);
    expect((await probe(made.key.keyId, made.secret)).body?.error.code).toBe("key_expired");
  });

  it("a later expiry brings an expired (not revoked) key back, audited as an update", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    await db().apiKey.update({ where: { keyId: made.key.keyId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expireDueKeys();
    const later = new Date(Date.now() + 86_400_000);
    const view = await updateKey(owner, made.key.keyId, { expiresAt: later });
    expect(view.status).toBe("active");
    expect((await probe(made.key.keyId, made.secret)).status).toBe(200);
    expect((await auditRows(made.key.keyId)).map((a) => a.action)).toEqual(["created", "expired", "updated"]);
  });
});

describe("the audit trail", () => {
  it("lists every transition of a key, newest first, with actor and ip", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { name: "Trail", scopes: ["inventory:read"] });
    await updateKey(owner, made.key.keyId, { name: "Trail 2" });
    await rotateKey(owner, made.key.keyId, { graceSeconds: 0 });
    await revokeKey(owner, made.key.keyId, { reason: "done" });
    const trail = await getKeyAuditOrThrow(owner, made.key.keyId);
    expect(trail.map((a) => a.action)).toEqual(["revoked", "rotated", "updated", "created"]);
    for (const entry of trail) expect(entry).toMatchObject({ actor: owner.email, ip: "203.0.113.10" });
  });
});
