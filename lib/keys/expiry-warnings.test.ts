import { describe, expect, it } from "vitest";
import { makeKey, makeUser } from "@/test/fixtures";
import { db } from "../db";
import { dueWarning, warnExpiringKeys } from "./expiry-warnings";
import { recordEndedGraces } from "./grace-ended";
import { rotateKey } from "./rotate-key";

const DAY = 86_400_000;

async function auditOf(keyId: string, action: string) {
  const key = await db().apiKey.findUniqueOrThrow({ where: { keyId } });
  const rows = await db().auditEvent.findMany({ where: { apiKeyId: key.id, action }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => JSON.parse(r.changes) as Record<string, unknown>);
}

describe("dueWarning", () => {
  it.each([
    [20 * DAY, null],
    [14 * DAY + 1, null],
    [14 * DAY, 14],
    [8 * DAY, 14],
    [7 * DAY, 7],
    [3 * DAY, 7],
    [DAY, 1],
    [60_000, 1],
    [0, null],
    [-1, null],
  ])("%d ms before expiry: %s", (remaining, days) => {
    expect(dueWarning(remaining)).toBe(days);
  });
});

describe("warnExpiringKeys", () => {
  it("warns once per threshold as the expiry comes closer, and again after a new expiry date", async () => {
    const owner = await makeUser();
    const start = Date.now();
    const expiresAt = new Date(start + 10 * DAY);
    const made = await makeKey(owner, { expiresAt: expiresAt.toISOString() });
    const at = (daysLeft: number) => new Date(expiresAt.getTime() - daysLeft * DAY);

    await warnExpiringKeys(at(10));
    await warnExpiringKeys(at(9));
    await warnExpiringKeys(at(6));
    await warnExpiringKeys(at(0.5));
    await warnExpiringKeys(at(0.25));
    expect(await auditOf(made.key.keyId, "expiry_warning")).toEqual([
      { daysBefore: 14, expiresAt: expiresAt.toISOString() },
      { daysBefore: 7, expiresAt: expiresAt.toISOString() },
      { daysBefore: 1, expiresAt: expiresAt.toISOString() },
    ]);

    const later = new Date(expiresAt.getTime() + 5 * DAY);
    await db().apiKey.update({ where: { keyId: made.key.keyId }, data: { expiresAt: later } });
    await warnExpiringKeys(new Date(later.getTime() - 12 * DAY));
    expect((await auditOf(made.key.keyId, "expiry_warning")).at(-1)).toEqual({
      daysBefore: 14,
      expiresAt: later.toISOString(),
    });
  });
});

describe("recordEndedGraces", () => {
  it("records grace_ended once after a graced rotation's end, never for a rotation without grace", async () => {
    const owner = await makeUser();
    const graced = await makeKey(owner);
    const instant = await makeKey(owner);
    const rotated = await rotateKey(owner, graced.key.keyId, { graceSeconds: 3600 });
    await rotateKey(owner, instant.key.keyId, { graceSeconds: 0 });
    const ends = new Date(rotated.key.secretsInGrace[0]!.retiresAt);

    await recordEndedGraces(new Date(ends.getTime() - 1_000));
    expect(await auditOf(graced.key.keyId, "grace_ended")).toEqual([]);
    await recordEndedGraces(new Date(ends.getTime() + 1_000));
    await recordEndedGraces(new Date(ends.getTime() + 60_000));
    const entries = await auditOf(graced.key.keyId, "grace_ended");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ retiredAt: ends.toISOString() });
    expect(await auditOf(instant.key.keyId, "grace_ended")).toEqual([]);
  });
});
