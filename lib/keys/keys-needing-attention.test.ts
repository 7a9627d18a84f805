import { describe, expect, it } from "vitest";
import { keyLogIdentity, logEntry, makeKey, makeUser, type UserActor } from "@/test/fixtures";
import { db } from "../db";
import type { Scope } from "../scopes";
import { services } from "../services";
import { keysNeedingAttention, type AttentionItem } from "./keys-needing-attention";

const D = 86_400_000;
const NOW = new Date("2026-06-01T12:00:00.000Z");
const T = NOW.getTime();

/** A key whose dates and status are set directly (createKey only accepts future expiries at real time). */
async function key(
  owner: UserActor,
  name: string,
  set: {
    createdAt?: number;
    lastUsedAt?: number | null;
    expiresAt?: number | null;
    status?: "active" | "revoked";
    scopes?: Scope[];
  } = {},
) {
  const made = await makeKey(owner, { name, partner: `${name} partner`, scopes: set.scopes ?? [] });
  await db().apiKey.update({
    where: { keyId: made.key.keyId },
    data: {
      createdAt: new Date(set.createdAt ?? T - D),
      lastUsedAt: set.lastUsedAt == null ? null : new Date(set.lastUsedAt),
      expiresAt: set.expiresAt == null ? null : new Date(set.expiresAt),
      status: set.status ?? "active",
      ...(set.status === "revoked" ? { revokedAt: new Date(T - 10 * D), revokedReason: "leaked" } : {}),
    },
  });
  return keyLogIdentity(made);
}

const item = (
  k: { keyId: string; keyName: string | null; partner: string | null },
  reason: AttentionItem["reason"],
  detail: string,
): AttentionItem => ({ keyId: k.keyId, name: k.keyName!, partner: k.partner, reason, detail });

const byReason = (items: AttentionItem[], reason: AttentionItem["reason"]) => items.filter((i) => i.reason === reason);
const byName = (a: AttentionItem, b: AttentionItem) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

describe("keysNeedingAttention: expiring_soon", () => {
  it("lists active keys expiring within 14 days (inclusive), soonest first, and nothing else", async () => {
    const u = await makeUser();
    const in1ms = await key(u, "in 1 ms", { expiresAt: T + 1 });
    const in1d = await key(u, "in 1 day", { expiresAt: T + D });
    const in3d = await key(u, "in 3.5 days", { expiresAt: T + 3.5 * D });
    const at14 = await key(u, "at 14 days", { expiresAt: T + 14 * D });
    await key(u, "14 days and 1 ms", { expiresAt: T + 14 * D + 1 });
    await key(u, "expires now", { expiresAt: T });
    await key(u, "expired", { expiresAt: T - 1 });
    await key(u, "revoked", { expiresAt: T + 2 * D, status: "revoked" });
    await key(u, "no expiry");

    // Created a day ago and never used: no other reason applies to these keys.
    expect(await keysNeedingAttention(u, NOW)).toEqual([
      item(in1ms, "expiring_soon", "expires in 1 day"),
      item(in1d, "expiring_soon", "expires in 1 day"),
      item(in3d, "expiring_soon", "expires in 4 days"),
      item(at14, "expiring_soon", "expires in 14 days"),
    ]);
  });
});

describe("keysNeedingAttention: revoked_still_used", () => {
  it("lists revoked keys refused as key_revoked in the last 7 days, most tried first", async () => {
    const u = await makeUser();
    const often = await key(u, "tried often", { status: "revoked" });
    const once = await key(u, "tried once", { status: "revoked" });
    const long = await key(u, "tried long ago", { status: "revoked" });
    const refused = (k: typeof often, timestamp: number, errorCode = "key_revoked") =>
      logEntry({ ...k, status: 401, errorCode, secretSlot: null, timestamp });
    const entries = [
      refused(often, T - 7 * D), // exactly at the 7-day edge: counted
      refused(often, T - 3 * D),
      refused(often, T - 3_600_000),
      refused(often, T - 7 * D - 1), // just outside
      refused(once, T - 2 * D),
      refused(once, T - D, "invalid_secret"), // another refusal: not a try of a revoked key
      refused(long, T - 8 * D),
    ];
    await services().logStore.storeBatch(entries);
    const tries = (k: typeof often) =>
      entries.filter((e) => e.keyId === k.keyId && e.errorCode === "key_revoked" && e.timestamp >= T - 7 * D);
    const last = (k: typeof often) => new Date(Math.max(...tries(k).map((e) => e.timestamp))).toISOString();

    expect(await keysNeedingAttention(u, NOW)).toEqual([
      item(
        often,
        "revoked_still_used",
        `revoked, but tried ${tries(often).length} times in the last 7 days (last ${last(often)})`,
      ),
      item(once, "revoked_still_used", `revoked, but tried 1 time in the last 7 days (last ${last(once)})`),
    ]);
    expect(tries(once)).toHaveLength(1);
  });

  it("lists a revoked legacy key whose id is longer than the 64 characters the log keeps", async () => {
    const u = await makeUser();
    const made = await key(u, "long legacy id", { status: "revoked" });
    const longId = `legacy-${"9".repeat(100)}`;
    await db().apiKey.update({ where: { keyId: made.keyId }, data: { keyId: longId, legacy: true } });
    const legacy = { ...made, keyId: longId };
    const at = T - 3_600_000;
    await services().logStore.storeBatch([
      logEntry({ ...legacy, status: 401, errorCode: "key_revoked", secretSlot: null, timestamp: at }),
    ]);
    expect(byReason(await keysNeedingAttention(u, NOW), "revoked_still_used")).toEqual([
      item(
        legacy,
        "revoked_still_used",
        `revoked, but tried 1 time in the last 7 days (last ${new Date(at).toISOString()})`,
      ),
    ]);
  });
});

describe("keysNeedingAttention: unused_30_days", () => {
  it("lists active, unexpired keys created at least 30 days ago and not used in the last 30 days", async () => {
    const u = await makeUser();
    const month = 30 * D;
    const never = await key(u, "a never used", { createdAt: T - 31 * D });
    const stale = await key(u, "b last used 31 days ago", { createdAt: T - 31 * D, lastUsedAt: T - 31 * D });
    const edge = await key(u, "c created exactly 30 days ago", { createdAt: T - month });
    const justStale = await key(u, "d used 30 days and 1 ms ago", { createdAt: T - 60 * D, lastUsedAt: T - month - 1 });
    const farExpiry = await key(u, "e expires in 30 days", { createdAt: T - 60 * D, expiresAt: T + month });
    await key(u, "f created 1 ms too late", { createdAt: T - month + 1 });
    await key(u, "g used exactly 30 days ago", { createdAt: T - 60 * D, lastUsedAt: T - month });
    await key(u, "h used yesterday", { createdAt: T - 60 * D, lastUsedAt: T - D });
    await key(u, "i revoked", { createdAt: T - 60 * D, status: "revoked" });
    await key(u, "j expired", { createdAt: T - 60 * D, expiresAt: T - 1 });

    const items = await keysNeedingAttention(u, NOW);
    expect(items.every((i) => i.reason === "unused_30_days")).toBe(true);
    expect(items.sort(byName)).toEqual([
      item(never, "unused_30_days", "never used"),
      item(stale, "unused_30_days", `last used ${new Date(T - 31 * D).toISOString()}`),
      item(edge, "unused_30_days", "never used"),
      item(justStale, "unused_30_days", `last used ${new Date(T - month - 1).toISOString()}`),
      item(farExpiry, "unused_30_days", "never used"),
    ]);
  });
});

describe("keysNeedingAttention: unused_scopes", () => {
  it("lists established, used keys holding scopes with no recorded use", async () => {
    const u = await makeUser();
    const partly = await key(u, "a partly used", {
      createdAt: T - 8 * D,
      scopes: ["offers:write", "inventory:read", "offers:read"],
    });
    const fully = await key(u, "b fully used", { createdAt: T - 8 * D, scopes: ["inventory:read"] });
    const edge = await key(u, "c established exactly 7 days ago", {
      createdAt: T - 7 * D,
      scopes: ["keys:read", "logs:read"],
    });
    const young = await key(u, "d six days old", { createdAt: T - 6 * D, scopes: ["offers:read", "inventory:read"] });
    await key(u, "e never used", { createdAt: T - 8 * D, scopes: ["offers:read"] });
    const used = (k: typeof partly, scopeUsed: Scope, status = 200) =>
      logEntry({ ...k, status, scopeUsed, timestamp: T - D });
    await services().logStore.storeBatch([
      used(partly, "inventory:read"),
      used(partly, "offers:read", 403), // refused: not a use of the scope
      used(fully, "inventory:read"),
      used(edge, "keys:read"),
      used(young, "inventory:read"),
    ]);

    const items = await keysNeedingAttention(u, NOW);
    expect(items.every((i) => i.reason === "unused_scopes")).toBe(true);
    expect(items.sort(byName)).toEqual([
      // Listed in catalog order (lib/scopes.ts SCOPES), not grant order.
      item(partly, "unused_scopes", "never used offers:read, offers:write"),
      item(edge, "unused_scopes", "never used logs:read"),
    ]);
  });
});

describe("keysNeedingAttention: owner isolation", () => {
  async function troubledKeys(u: UserActor) {
    const expiring = await key(u, "expiring", { expiresAt: T + 2 * D });
    const revoked = await key(u, "revoked", { status: "revoked" });
    const unused = await key(u, "unused", { createdAt: T - 40 * D });
    const scoped = await key(u, "scoped", { createdAt: T - 10 * D, scopes: ["offers:read"] });
    await services().logStore.storeBatch([
      logEntry({ ...revoked, status: 401, errorCode: "key_revoked", timestamp: T - D }),
      logEntry({ ...scoped, status: 200, timestamp: T - D }),
    ]);
    return [expiring, revoked, unused, scoped].map((k) => k.keyId);
  }

  it("a user sees only their own keys; support staff see everyone's", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const support = await makeUser("support");
    const aliceKeys = await troubledKeys(alice);
    const bobKeys = await troubledKeys(bob);

    const forAlice = await keysNeedingAttention(alice, NOW);
    const forBob = await keysNeedingAttention(bob, NOW);
    const forSupport = await keysNeedingAttention(support, NOW);
    const reasons = ["expiring_soon", "revoked_still_used", "unused_30_days", "unused_scopes"];

    expect(forAlice.map((i) => i.reason).sort()).toEqual(reasons);
    expect(new Set(forAlice.map((i) => i.keyId))).toEqual(new Set(aliceKeys));
    expect(forBob.map((i) => i.reason).sort()).toEqual(reasons);
    expect(new Set(forBob.map((i) => i.keyId))).toEqual(new Set(bobKeys));
    expect(forSupport).toEqual(expect.arrayContaining([...forAlice, ...forBob]));
    for (const reason of reasons) {
      expect(byReason(forSupport, reason as AttentionItem["reason"]).length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe("keysNeedingAttention: high_error_rate and refusal_burst", () => {
  const calls = (k: Awaited<ReturnType<typeof key>>, n: number, status: number, at: number, errorCode?: string) =>
    Array.from({ length: n }, (_, i) =>
      logEntry({
        ...k,
        status,
        errorCode: errorCode ?? (status >= 400 ? "not_found" : null),
        timestamp: at - i * 1000,
      }),
    );

  it("flags keys failing at least 20% of at least 20 calls in the last 24 hours, worst first", async () => {
    const u = await makeUser();
    const worst = await key(u, "fails 38%", { lastUsedAt: T - 60_000 });
    const edge = await key(u, "fails exactly 20%", { lastUsedAt: T - 60_000 });
    const fine = await key(u, "fails 15%", { lastUsedAt: T - 60_000 });
    const few = await key(u, "fails 5 of 10", { lastUsedAt: T - 60_000 });
    const old = await key(u, "failed 2 days ago", { lastUsedAt: T - 60_000 });
    await services().logStore.storeBatch([
      ...calls(worst, 62, 200, T - 3_600_000),
      ...calls(worst, 38, 403, T - 7_200_000, "insufficient_scope"),
      ...calls(edge, 16, 200, T - 3_600_000),
      ...calls(edge, 4, 500, T - 3_600_000),
      ...calls(fine, 85, 200, T - 3_600_000),
      ...calls(fine, 15, 404, T - 3_600_000),
      ...calls(few, 5, 200, T - 3_600_000),
      ...calls(few, 5, 401, T - 3_600_000),
      ...calls(old, 30, 401, T - 2 * D, "key_expired"),
    ]);
    expect(byReason(await keysNeedingAttention(u, NOW), "high_error_rate")).toEqual([
      item(worst, "high_error_rate", "38% of its 100 requests failed in the last 24 hours"),
      item(edge, "high_error_rate", "20% of its 20 requests failed in the last 24 hours"),
    ]);
  });

  it("flags 10 or more wrong-secret refusals of one key within the last hour", async () => {
    const u = await makeUser();
    const burst = await key(u, "burst", { lastUsedAt: T - 60_000 });
    const trickle = await key(u, "trickle", { lastUsedAt: T - 60_000 });
    const earlier = await key(u, "earlier", { lastUsedAt: T - 60_000 });
    await services().logStore.storeBatch([
      ...calls(burst, 10, 401, T - 1000, "invalid_credentials").map((e) => ({ ...e, secretSlot: null })),
      ...calls(trickle, 9, 401, T - 1000, "invalid_credentials"),
      ...calls(earlier, 12, 401, T - 3_700_000, "invalid_credentials"),
      // Plenty of successes, so the error rate stays low and only the burst shows.
      ...calls(burst, 200, 200, T - 2 * 3_600_000),
      ...calls(trickle, 200, 200, T - 2 * 3_600_000),
      ...calls(earlier, 200, 200, T - 2 * 3_600_000),
    ]);
    const items = await keysNeedingAttention(u, NOW);
    expect(byReason(items, "refusal_burst")).toEqual([
      item(burst, "refusal_burst", "10 requests refused for a wrong or old secret in the last hour"),
    ]);
    expect(byReason(items, "high_error_rate")).toEqual([]);
  });

  it("never shows another owner's failing key", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const bobs = await key(bob, "bob failing", { lastUsedAt: T - 60_000 });
    await services().logStore.storeBatch(calls(bobs, 30, 401, T - 1000, "invalid_credentials"));
    expect(await keysNeedingAttention(alice, NOW)).toEqual([]);
    expect((await keysNeedingAttention(bob, NOW)).map((i) => i.reason).sort()).toEqual([
      "high_error_rate",
      "refusal_burst",
    ]);
  });
});
