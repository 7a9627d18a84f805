import { beforeEach, describe, expect, it } from "vitest";
import { logEntry, overrideServices } from "@/test/fixtures";
import { db } from "../db";
import { services } from "../services";
import { purgeExpiredLogs, retentionDays } from "./retention";

const DAY = 86_400_000;
// On an hour boundary, so day-multiple cut-offs are also minute and hour rollup boundaries.
const NOW = new Date("2026-06-01T12:00:00.000Z");
const T = NOW.getTime();

beforeEach(async () => {
  await db().requestLog.deleteMany();
  await db().requestRollup.deleteMany();
});

/** One request per timestamp (ms before NOW); returns their request ids by age. */
async function seed(agesMs: number[]) {
  const entries = agesMs.map((age) => logEntry({ timestamp: T - age }));
  expect(await services().logStore.storeBatch(entries)).toBe(entries.length);
  return new Map(agesMs.map((age, i) => [age, entries[i]!.requestId]));
}

async function rawIds() {
  const rows = await db().requestLog.findMany({ select: { requestId: true } });
  return new Set(rows.map((r) => r.requestId));
}

async function rollupStarts() {
  const rows = await db().requestRollup.findMany({ select: { bucketStart: true, resolution: true } });
  return rows.map((r) => ({ resolution: r.resolution, bucketStart: r.bucketStart.getTime() }));
}

describe("purgeExpiredLogs", () => {
  it("defaults: raw rows 30 days, rollups 400 days", () => {
    expect(retentionDays()).toEqual({ raw: 30, rollups: 400 });
  });

  it("keeps rollups at least as long as raw rows (charts and filtered pages rely on them for every raw row)", () => {
    const env = services().env;
    const restore = overrideServices({
      env: () => ({ ...env, KEYWARD_LOG_RETENTION_DAYS: 30, KEYWARD_ROLLUP_RETENTION_DAYS: 7 }),
    });
    try {
      expect(retentionDays()).toEqual({ raw: 30, rollups: 30 });
    } finally {
      restore();
    }
  });

  it("deletes raw rows older than 30 days; a row exactly at the cut-off is kept", async () => {
    const cut = 30 * DAY;
    const ids = await seed([DAY, cut - 1, cut, cut + 1, 45 * DAY]);
    const rollupsBefore = await rollupStarts();

    const result = await purgeExpiredLogs(NOW);

    expect(await rawIds()).toEqual(new Set([ids.get(DAY), ids.get(cut - 1), ids.get(cut)]));
    expect(result.raw).toBe(2);
    // Rollups of the purged rows stay: the charts still show them.
    expect(result.rollups).toBe(0);
    expect(await rollupStarts()).toEqual(expect.arrayContaining(rollupsBefore));
    expect((await rollupStarts()).length).toBe(rollupsBefore.length);
  });

  it("deletes rollups whose bucket starts before 400 days ago; a bucket starting exactly then is kept", async () => {
    const cut = 400 * DAY;
    await seed([DAY, cut - 1, cut, cut + 1, 500 * DAY]);
    const before = await rollupStarts();
    const expired = before.filter((r) => r.bucketStart < T - cut);
    // The row 1 ms past the cut-off and the 500-day-old row: one minute and one hour rollup each.
    expect(expired).toHaveLength(4);

    const result = await purgeExpiredLogs(NOW);

    expect(result.rollups).toBe(expired.length);
    const after = await rollupStarts();
    expect(after).toHaveLength(before.length - expired.length);
    expect(after.every((r) => r.bucketStart >= T - cut)).toBe(true);
    expect(after).toContainEqual({ resolution: "minute", bucketStart: T - cut });
    expect(after).toContainEqual({ resolution: "hour", bucketStart: T - cut });
    // Raw rows: only the one a day old survives 30 days.
    expect(result.raw).toBe(4);
    expect((await rawIds()).size).toBe(1);
  });

  it("honours other retention periods (KEYWARD_LOG_RETENTION_DAYS, KEYWARD_ROLLUP_RETENTION_DAYS)", async () => {
    const ids = await seed([DAY, 7 * DAY, 7 * DAY + 1, 20 * DAY, 60 * DAY, 60 * DAY + 1]);
    const before = await rollupStarts();

    const result = await purgeExpiredLogs(NOW, { raw: 7, rollups: 60 });

    expect(await rawIds()).toEqual(new Set([ids.get(DAY), ids.get(7 * DAY)]));
    expect(result.raw).toBe(4);
    const expired = before.filter((r) => r.bucketStart < T - 60 * DAY);
    expect(expired.length).toBeGreaterThan(0);
    expect(result.rollups).toBe(expired.length);
    expect((await rollupStarts()).every((r) => r.bucketStart >= T - 60 * DAY)).toBe(true);
  });

  it("counts from the `now` it is given, and a second run finds nothing", async () => {
    const ids = await seed([DAY, 10 * DAY]);
    expect(await purgeExpiredLogs(new Date(T + 25 * DAY))).toEqual({ raw: 1, rollups: 0 });
    expect(await rawIds()).toEqual(new Set([ids.get(DAY)]));
    expect(await purgeExpiredLogs(new Date(T + 25 * DAY))).toEqual({ raw: 0, rollups: 0 });
  });
});
