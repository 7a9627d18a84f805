import "server-only";
import { keyRowsWhere } from "../logs/log-filter";
import { db } from "../db";
import { services } from "../services";
import { recordAudit } from "./audit";

const MINUTE = 60_000;

/**
 * When a key's errors count as a spike (audit error_spike, webhook key.error_spike). One 5-minute window is
 * judged at a time; it spikes when it holds at least `minRequests` requests (the floor high_error_rate uses: fewer
 * say too little), at least `minErrorRate` of them failed (half the calls failing is an outage for the partner,
 * not noise), and that rate is at least `riseFactor` times the key's rate over the `baselineMinutes` before the
 * window (a key that has failed this much all along has not changed; its owner hears of it from the Overview's
 * high_error_rate instead). After a spike the key is quiet for `quietMinutes`, so a partner broken for a day
 * gets a few events, not one per window.
 */
export const ERROR_SPIKE = {
  windowMinutes: 5,
  minRequests: 20,
  minErrorRate: 0.5,
  baselineMinutes: 60,
  riseFactor: 2,
  quietMinutes: 60,
} as const;

export type ErrorSpike = { apiKeyId: string; requests: number; errors: number; errorRate: number };

type Counts = { requests: number; errors: number };
const NO_TRAFFIC: Counts = { requests: 0, errors: 0 };

/** The last whole window before `now`, aligned to the epoch like the job's periods (so one run, one window). */
export function spikeWindow(now: Date): { start: Date; end: Date } {
  const length = ERROR_SPIKE.windowMinutes * MINUTE;
  const end = now.getTime() - (now.getTime() % length);
  return { start: new Date(end - length), end: new Date(end) };
}

/**
 * Whether a window's counts spike against the key's baseline. A baseline with fewer than minRequests requests
 * is too thin to compare with, and counts as none: a key that starts failing as its traffic starts is news.
 */
export function isSpike(window: Counts, baseline: Counts): boolean {
  if (window.requests < ERROR_SPIKE.minRequests) return false;
  const rate = window.errors / window.requests;
  if (rate < ERROR_SPIKE.minErrorRate) return false;
  const before = baseline.requests >= ERROR_SPIKE.minRequests ? baseline.errors / baseline.requests : 0;
  return rate >= ERROR_SPIKE.riseFactor * before;
}

/**
 * Requests and failed requests per key between from and to. A failure is any 4xx or 5xx, as high_error_rate,
 * the partners list and the log stats count them: a refused call (wrong scope, throttled, bad secret) fails the
 * partner as much as a server error does, and a webhook that disagreed with the dashboard's numbers would mislead.
 */
async function countsByKey(
  from: number,
  to: number,
  opts: { keys?: { id: string; keyId: string }[]; minRequests?: number },
): Promise<Map<string, Counts>> {
  const logDb = services().logDb;
  const rows = await logDb.kysely
    .selectFrom("RequestLog")
    .select((eb) => [
      "apiKeyId",
      eb.fn.countAll<number | string>().as("requests"),
      eb.fn.sum<number | string>(eb.case().when("status", ">=", 400).then(1).else(0).end()).as("errors"),
    ])
    .where("apiKeyId", "is not", null)
    .$if(opts.keys !== undefined, (q) => q.where(keyRowsWhere(opts.keys!)))
    .where("timestamp", ">=", logDb.time(from))
    .where("timestamp", "<", logDb.time(to))
    .groupBy("apiKeyId")
    .$if(opts.minRequests !== undefined, (q) => q.having((eb) => eb(eb.fn.countAll(), ">=", opts.minRequests!)))
    .execute();
  return new Map(rows.map((r) => [r.apiKeyId!, { requests: Number(r.requests), errors: Number(r.errors ?? 0) }]));
}

/**
 * Record error_spike (webhook key.error_spike) for each key whose last whole window before `now` spiked
 * (ERROR_SPIKE), unless the key spiked within the quiet period before that window's end. Only active keys:
 * a revoked, suspended or expired key refuses every call by design, and its owner heard of that already
 * (key.revoked, key.suspended, key.expired). Run once per window by the maintenance job; running it again for
 * the same window records nothing new. Returns the spikes recorded.
 */
export async function recordErrorSpikes(now = new Date()): Promise<ErrorSpike[]> {
  const { start, end } = spikeWindow(now);
  const inWindow = await countsByKey(start.getTime(), end.getTime(), { minRequests: ERROR_SPIKE.minRequests });
  // Against no baseline, isSpike judges the window alone: keys that could spike at all.
  const failing = [...inWindow].filter(([, c]) => isSpike(c, NO_TRAFFIC));
  if (failing.length === 0) return [];

  const active = await db().apiKey.findMany({
    where: {
      id: { in: failing.map(([id]) => id) },
      status: "active",
      OR: [{ expiresAt: null }, { expiresAt: { gt: end } }],
    },
    select: { id: true, keyId: true },
  });
  if (active.length === 0) return [];
  const activeIds = new Set(active.map((k) => k.id));
  const baselines = await countsByKey(start.getTime() - ERROR_SPIKE.baselineMinutes * MINUTE, start.getTime(), {
    keys: active,
  });
  const spiking = failing.filter(([id, c]) => activeIds.has(id) && isSpike(c, baselines.get(id) ?? NO_TRAFFIC));
  if (spiking.length === 0) return [];

  // Measured from the window's end, not the run's clock: the quiet period covers the same windows (the next 12)
  // however late in its period a run starts.
  const recent = await db().auditEvent.findMany({
    where: {
      apiKeyId: { in: spiking.map(([id]) => id) },
      action: "error_spike",
      createdAt: { gte: new Date(end.getTime() - ERROR_SPIKE.quietMinutes * MINUTE) },
    },
    select: { apiKeyId: true },
  });
  const quiet = new Set(recent.map((e) => e.apiKeyId));

  const recorded: ErrorSpike[] = [];
  for (const [apiKeyId, { requests, errors }] of spiking) {
    if (quiet.has(apiKeyId)) continue;
    const errorRate = Math.round((errors / requests) * 1000) / 1000;
    await db().$transaction((tx) =>
      recordAudit(tx, {
        apiKeyId,
        action: "error_spike",
        actor: "system",
        changes: { windowMinutes: ERROR_SPIKE.windowMinutes, requests, errors, errorRate },
        at: now,
      }),
    );
    recorded.push({ apiKeyId, requests, errors, errorRate });
  }
  if (recorded.length > 0) services().webhooks.kick();
  return recorded;
}
