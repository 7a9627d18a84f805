import { beforeAll, describe, expect, it } from "vitest";
import { keyLogIdentity, logEntry, makeKey, makeUser, rejectionOf, type UserActor } from "@/test/fixtures";
import { db } from "../db";
import { rotateKey } from "./rotate-key";
import type { LogEntry } from "../logs/log-entry";
import { services } from "../services";
import { graceUsage, type GraceUsage } from "./grace-usage";

let alice: UserActor;
let bob: UserActor;
let support: UserActor;
type Identity = Awaited<ReturnType<typeof keyLogIdentity>>;
let rotated: Identity;
let sibling: Identity;
const logged: LogEntry[] = [];

const request = (k: Identity, timestamp: number, ip: string | null, secretSlot: LogEntry["secretSlot"]) =>
  logEntry({ ...k, timestamp, ip, secretSlot });

async function log(entries: LogEntry[]) {
  logged.push(...entries);
  expect(await services().logStore.storeBatch(entries)).toBe(entries.length);
}

/** The last rotation's time, as the audit trail recorded it (rotateKey reads the real clock). */
async function rotatedAt(k: Identity) {
  const event = await db().auditEvent.findFirstOrThrow({
    where: { apiKeyId: k.apiKeyId, action: "rotated" },
    orderBy: { createdAt: "desc" },
  });
  return event.createdAt.getTime();
}

/** What graceUsage should say, computed from the logged entries. */
function expectedUsage(k: Identity, since: number): GraceUsage {
  const counted = logged.filter(
    (e) => e.apiKeyId === k.apiKeyId && e.secretSlot === "previous" && e.timestamp >= since,
  );
  const byIp = new Map<string | null, { ip: string | null; requests: number; last: number }>();
  for (const e of counted) {
    const g = byIp.get(e.ip) ?? { ip: e.ip, requests: 0, last: 0 };
    g.requests++;
    g.last = Math.max(g.last, e.timestamp);
    byIp.set(e.ip, g);
  }
  const groups = [...byIp.values()];
  return {
    requests: counted.length,
    lastSeenAt: counted.length ? new Date(Math.max(...counted.map((e) => e.timestamp))).toISOString() : null,
    byIp: groups.map((g) => ({ ip: g.ip, requests: g.requests, lastSeenAt: new Date(g.last).toISOString() })),
  };
}

/** Most requests first; IPs with equal counts may come in any order. */
function expectUsage(actual: GraceUsage, want: GraceUsage) {
  const canonical = (u: GraceUsage) => ({
    ...u,
    byIp: [...u.byIp].sort((a, b) => b.requests - a.requests || String(a.ip).localeCompare(String(b.ip))),
  });
  expect(canonical(actual)).toEqual(canonical(want));
  expect(actual.byIp.map((g) => g.requests)).toEqual(canonical(want).byIp.map((g) => g.requests));
}

beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
  support = await makeUser("support");
  rotated = await keyLogIdentity(await makeKey(alice, { name: "Rotated", scopes: ["inventory:read"] }));
  sibling = await keyLogIdentity(await makeKey(alice, { name: "Sibling", scopes: ["inventory:read"] }));
});

describe("graceUsage", () => {
  it("is empty before any rotation, even with requests marked as from a previous secret", async () => {
    await log([request(rotated, Date.now() - 60_000, "198.51.100.9", "previous")]);
    expect(await graceUsage(alice, rotated.keyId)).toEqual({ requests: 0, lastSeenAt: null, byIp: [] });
  });

  it("counts requests with the previous secret since the rotation, per IP with the last time seen", async () => {
    await rotateKey(alice, rotated.keyId, { graceSeconds: 3600 });
    const R = await rotatedAt(rotated);
    await log([
      request(rotated, R, "198.51.100.1", "previous"), // at the rotation instant: counted
      request(rotated, R + 1_000, "198.51.100.1", "previous"),
      request(rotated, R + 5_000, "198.51.100.1", "previous"),
      request(rotated, R + 2_000, "198.51.100.2", "previous"),
      request(rotated, R + 3_000, "198.51.100.2", "previous"),
      request(rotated, R + 4_000, null, "previous"),
      request(rotated, R - 1, "198.51.100.3", "previous"), // before the rotation
      request(rotated, R + 6_000, "198.51.100.4", "current"), // the new secret
      request(rotated, R + 7_000, "198.51.100.4", null), // refused before a secret matched
      request(sibling, R + 8_000, "198.51.100.5", "previous"), // another key
    ]);

    const usage = await graceUsage(alice, rotated.keyId);
    expectUsage(usage, expectedUsage(rotated, R));
    expect(usage.byIp.map((g) => g.ip)).toEqual(["198.51.100.1", "198.51.100.2", null]);
    expect(usage.lastSeenAt).toBe(new Date(R + 5_000).toISOString());
  });

  it("support staff see the same answer as the owner", async () => {
    const R = await rotatedAt(rotated);
    expectUsage(await graceUsage(support, rotated.keyId), expectedUsage(rotated, R));
  });

  it("another owner's key, or a key that does not exist, is not found", async () => {
    for (const keyId of [rotated.keyId, "kw_live_doesnotexist000000"]) {
      const err = await rejectionOf(graceUsage(bob, keyId));
      expect(err.code).toBe("not_found");
      expect(err.message).toBe(`No API key with id "${keyId}".`);
    }
  });

  it("a later rotation starts the count again", async () => {
    const first = await rotatedAt(rotated);
    // Make sure the second rotation is recorded at a later millisecond than the first.
    while (Date.now() <= first + 1) await new Promise((r) => setTimeout(r, 2));
    await rotateKey(alice, rotated.keyId, { graceSeconds: 60 });
    const R2 = await rotatedAt(rotated);
    expect(R2).toBeGreaterThan(first);
    await log([
      request(rotated, R2 - 1, "198.51.100.6", "previous"),
      request(rotated, R2 + 10, "198.51.100.7", "previous"),
    ]);

    const usage = await graceUsage(alice, rotated.keyId);
    expectUsage(usage, expectedUsage(rotated, R2));
    expect(usage.byIp.some((g) => g.ip === "198.51.100.6")).toBe(false);
    expect(usage.byIp.some((g) => g.ip === "198.51.100.7")).toBe(true);
  });
});
