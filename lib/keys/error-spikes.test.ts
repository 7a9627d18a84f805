import { describe, expect, it } from "vitest";
import { keyLogIdentity, logEntry, makeKey, makeUser, type UserActor } from "@/test/fixtures";
import { db } from "../db";
import { parseOrThrow } from "../errors";
import { services } from "../services";
import { createWebhookInput } from "../webhooks/webhook-input";
import { createWebhook } from "../webhooks/webhook-endpoints";
import { ERROR_SPIKE, isSpike, recordErrorSpikes, spikeWindow } from "./error-spikes";
import { suspendKey } from "./suspend-key";
import { revokeKey } from "./revoke-key";

const MIN = 60_000;
/** Runs at 12:02:30 judge the window 11:55 to 12:00. */
const NOON = Date.parse("2026-06-01T12:00:00.000Z");
const runAt = (ms: number) => new Date(ms + 2.5 * MIN);

type Identity = Awaited<ReturnType<typeof keyLogIdentity>>;

async function key(owner: UserActor, name: string): Promise<Identity> {
  return keyLogIdentity(await makeKey(owner, { name, partner: `${name} partner` }));
}

/**
 * `requests` calls of a key spread evenly over [from, to): `failed` of them fail, alternating 500 and 429 (both
 * count, as for high_error_rate), the rest succeed.
 */
function calls(k: Identity, from: number, to: number, requests: number, failed: number) {
  return Array.from({ length: requests }, (_, i) =>
    logEntry({
      ...k,
      timestamp: from + Math.floor(((to - from) * i) / requests),
      status: i < failed ? (i % 2 ? 429 : 500) : 200,
      errorCode: i < failed ? (i % 2 ? "rate_limited" : "internal_error") : null,
    }),
  );
}

/** A quiet hour before the window (60 calls, 2 failed: a baseline of 3%). */
const healthyHour = (k: Identity, windowStart: number) => calls(k, windowStart - 60 * MIN, windowStart, 60, 2);

async function spikesOf(k: Identity) {
  const rows = await db().auditEvent.findMany({
    where: { apiKeyId: k.apiKeyId, action: "error_spike" },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({ actor: r.actorLabel, at: r.createdAt.toISOString(), changes: JSON.parse(r.changes) }));
}

describe("spikeWindow", () => {
  it.each([
    ["2026-06-01T12:00:00.000Z", "2026-06-01T11:55:00.000Z", "2026-06-01T12:00:00.000Z"],
    ["2026-06-01T12:04:59.999Z", "2026-06-01T11:55:00.000Z", "2026-06-01T12:00:00.000Z"],
    ["2026-06-01T12:05:00.000Z", "2026-06-01T12:00:00.000Z", "2026-06-01T12:05:00.000Z"],
  ])("at %s judges %s to %s", (now, start, end) => {
    const w = spikeWindow(new Date(now));
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual([start, end]);
  });
});

describe("isSpike", () => {
  const none = { requests: 0, errors: 0 };
  it.each([
    ["20 calls, half failed, no baseline", { requests: 20, errors: 10 }, none, true],
    ["19 calls, all failed", { requests: 19, errors: 19 }, none, false],
    ["just under half failed", { requests: 40, errors: 19 }, none, false],
    ["exactly twice the baseline", { requests: 20, errors: 12 }, { requests: 100, errors: 30 }, true],
    ["under twice the baseline", { requests: 20, errors: 12 }, { requests: 100, errors: 31 }, false],
    ["same rate as the baseline", { requests: 40, errors: 24 }, { requests: 100, errors: 60 }, false],
    ["baseline too thin to compare", { requests: 20, errors: 20 }, { requests: 19, errors: 19 }, true],
  ])("%s", (_label, window, baseline, want) => {
    expect(isSpike(window, baseline)).toBe(want);
  });
});

describe("recordErrorSpikes", () => {
  it("records one error_spike with the window's numbers for a key that spiked; not for quiet, sparse or inactive keys", async () => {
    const owner = await makeUser();
    const ws = NOON - 5 * MIN;
    const spiking = await key(owner, "spiking");
    const sparse = await key(owner, "sparse");
    const under = await key(owner, "under threshold");
    const healthy = await key(owner, "healthy");
    const revoked = await key(owner, "revoked");
    const suspended = await key(owner, "suspended");
    await services().logStore.storeBatch([
      ...healthyHour(spiking, ws),
      ...calls(spiking, ws, NOON, 35, 23), // 65.7%
      // Outside the window on both sides: not counted.
      ...calls(spiking, NOON, NOON + 5 * MIN, 10, 10),
      ...healthyHour(sparse, ws),
      ...calls(sparse, ws, NOON, ERROR_SPIKE.minRequests - 1, ERROR_SPIKE.minRequests - 1),
      ...healthyHour(under, ws),
      ...calls(under, ws, NOON, 40, 19), // 47.5%
      ...calls(under, NOON, NOON + MIN, 10, 10), // would lift it over half if counted
      ...calls(healthy, ws, NOON, 100, 1),
      ...healthyHour(revoked, ws),
      ...calls(revoked, ws, NOON, 30, 30),
      ...healthyHour(suspended, ws),
      ...calls(suspended, ws, NOON, 30, 30),
    ]);
    await revokeKey(owner, revoked.keyId, { reason: "partner left" });
    await suspendKey(owner, suspended.keyId, { reason: "unpaid invoice" });

    const recorded = await recordErrorSpikes(runAt(NOON));

    const changes = { windowMinutes: 5, requests: 35, errors: 23, errorRate: 0.657 };
    expect(recorded).toEqual([{ apiKeyId: spiking.apiKeyId, requests: 35, errors: 23, errorRate: 0.657 }]);
    expect(await spikesOf(spiking)).toEqual([{ actor: "system", at: runAt(NOON).toISOString(), changes }]);
    for (const k of [sparse, under, healthy, revoked, suspended]) expect(await spikesOf(k)).toEqual([]);
  });

  it("records nothing for a key failing as much in the hour before (no rise), unless that hour was too thin to judge", async () => {
    const owner = await makeUser();
    const ws = NOON - 5 * MIN;
    const steady = await key(owner, "steady");
    const risingSlowly = await key(owner, "rising slowly");
    const wokeUpFailing = await key(owner, "woke up failing");
    await services().logStore.storeBatch([
      ...calls(steady, ws - 60 * MIN, ws, 120, 72), // 60% all hour
      ...calls(steady, ws, NOON, 30, 18), // 60%
      ...calls(risingSlowly, ws - 60 * MIN, ws, 100, 40), // 40%
      ...calls(risingSlowly, ws, NOON, 30, 21), // 70%: under twice 40%
      ...calls(wokeUpFailing, ws - 60 * MIN, ws, 5, 5),
      ...calls(wokeUpFailing, ws, NOON, 30, 30),
    ]);

    await recordErrorSpikes(runAt(NOON));

    expect(await spikesOf(steady)).toEqual([]);
    expect(await spikesOf(risingSlowly)).toEqual([]);
    expect((await spikesOf(wokeUpFailing)).map((s) => s.changes)).toEqual([
      { windowMinutes: 5, requests: 30, errors: 30, errorRate: 1 },
    ]);
  });

  it("records a window once however often it runs, stays quiet for an hour after a spike, then records again", async () => {
    const owner = await makeUser();
    const k = await key(owner, "flapping");
    const at = (h: number, m: number) => NOON + (h - 12) * 60 * MIN + m * MIN;
    const spike = (from: number) => calls(k, from, from + 5 * MIN, 35, 23);
    await services().logStore.storeBatch([
      ...calls(k, at(11, 0), at(11, 55), 60, 0),
      ...spike(at(11, 55)),
      ...spike(at(12, 0)),
      ...calls(k, at(12, 5), at(12, 55), 100, 0),
      ...spike(at(12, 55)),
      ...spike(at(13, 0)),
    ]);

    await recordErrorSpikes(runAt(at(12, 0)));
    await recordErrorSpikes(runAt(at(12, 0)));
    await recordErrorSpikes(new Date(at(12, 4) + 59_999)); // the same window, late in its period
    // Windows ending 12:05 and 13:00 spike against their baselines (23 or 46 failures in 95 or 170 calls, under
    // half the window's rate), but fall within the hour after the 12:00 one.
    await recordErrorSpikes(runAt(at(12, 5)));
    await recordErrorSpikes(runAt(at(13, 0)));
    expect(await spikesOf(k)).toHaveLength(1);

    await recordErrorSpikes(runAt(at(13, 5)));
    expect((await spikesOf(k)).map((s) => s.at)).toEqual(
      [runAt(at(12, 0)), runAt(at(13, 5))].map((d) => d.toISOString()),
    );
  });

  it("queues a key.error_spike delivery for an endpoint subscribed to it, none for one that is not", async () => {
    const owner = await makeUser();
    const k = await key(owner, "hooked");
    const env = services().env as { KEYWARD_WEBHOOK_ALLOW_PRIVATE: "0" | "1" };
    const before = env.KEYWARD_WEBHOOK_ALLOW_PRIVATE;
    env.KEYWARD_WEBHOOK_ALLOW_PRIVATE = "1";
    const register = (events: string[]) =>
      createWebhook(owner, parseOrThrow(createWebhookInput, { url: "http://127.0.0.1:9/hook", events }));
    const [listening, deaf] = await Promise.all([register(["key.error_spike"]), register(["key.revoked"])]).finally(
      () => (env.KEYWARD_WEBHOOK_ALLOW_PRIVATE = before),
    );
    const ws = NOON - 5 * MIN;
    await services().logStore.storeBatch([...healthyHour(k, ws), ...calls(k, ws, NOON, 40, 40)]);

    await recordErrorSpikes(runAt(NOON));

    const deliveries = await db().webhookDelivery.findMany({
      where: { event: { apiKeyId: k.apiKeyId } },
      include: { event: true },
    });
    expect(deliveries.map((d) => [d.endpointId, d.event.type])).toEqual([[listening.data.id, "key.error_spike"]]);
    expect(deliveries.some((d) => d.endpointId === deaf.data.id)).toBe(false);
    const payload = JSON.parse(deliveries[0]!.event.payload);
    expect(payload).toMatchObject({
      type: "key.error_spike",
      timestamp: runAt(NOON).toISOString(),
      data: {
        key: { keyId: k.keyId },
        actor: "system",
        changes: { windowMinutes: 5, requests: 40, errors: 40, errorRate: 1 },
      },
    });
  });
});
