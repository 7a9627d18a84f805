import { beforeAll, describe, expect, it, test } from "vitest";
import { keyLogIdentity, logEntry, makeKey, makeUser, type UserActor } from "@/test/fixtures";
import type { Actor } from "../auth/actor";
import { statusClass, type LogEntry } from "./log-entry";
import { services } from "../services";
import { BOUNDS_MS, bucketIndex } from "./latency-histogram";
import { logStats, type LogStats } from "./log-stats";

const M = 60_000;
const H = 3_600_000;
const D = 86_400_000;
// Frozen clock on a 6-hour boundary: every preset's range is aligned to its chart buckets.
const NOW = new Date("2026-06-01T12:00:00.000Z");
const T = NOW.getTime();

let alice: UserActor;
let bob: UserActor;
let support: UserActor;
let carol: UserActor;
type Identity = Awaited<ReturnType<typeof keyLogIdentity>>;
let a1: Identity;
let a2: Identity;
/** Alice's test (sandbox) key: the only kind of key whose requests are test traffic. */
let t1: Identity;
let b1: Identity;
const rows: LogEntry[] = [];
const UNKNOWN_KEY = "kw_live_unknown000000000000";

/** n entries for a key, `step` ms apart from `timestamp`. */
function add(n: number, key: Identity | null, e: Partial<LogEntry> & { timestamp: number }, step = 0) {
  for (let i = 0; i < n; i++) {
    rows.push(
      logEntry({
        ...(key ?? { keyId: UNKNOWN_KEY }),
        ...e,
        path: e.path ?? e.route ?? "/api/v1/inventory",
        timestamp: e.timestamp + i * step,
      }),
    );
  }
}

beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
  support = await makeUser("support");
  carol = await makeUser();
  a1 = await keyLogIdentity(await makeKey(alice, { name: "Alice main", partner: "Acme" }));
  a2 = await keyLogIdentity(await makeKey(alice, { name: "Alice offers", partner: "Beta" }));
  t1 = await keyLogIdentity(await makeKey(alice, { name: "Alice sandbox", environment: "test" }));
  b1 = await keyLogIdentity(await makeKey(bob, { name: "Bob main", partner: "Gamma" }));

  const inventory = { method: "GET", route: "/api/v1/inventory" };
  const offers = { method: "POST", route: "/api/v1/offers" };
  const offer = { method: "GET", route: "/api/v1/offers/{id}", path: "/api/v1/offers/off_1" };
  // Inside the last 24 hours.
  add(6, a1, { ...inventory, status: 200, latencyMs: 3, timestamp: T - 10 * M }, 5_000); // one minute
  add(2, a1, { ...inventory, status: 404, latencyMs: 20, errorCode: "not_found", timestamp: T - 2 * H + 30_000 });
  add(2, a1, { ...offers, status: 201, latencyMs: 40, timestamp: T - 3 * H - 30_000 }); // 08:59:30
  add(2, a1, { ...offers, status: 201, latencyMs: 45, timestamp: T - 3 * H + 30_000 }); // 09:00:30
  add(1, a1, { ...offers, status: 500, latencyMs: 300, errorCode: "internal_error", timestamp: T - 1 });
  add(1, t1, { ...inventory, status: 200, latencyMs: 8, timestamp: T - 20 * M });
  add(2, a2, { ...offer, status: 200, latencyMs: 7, timestamp: T - D }); // exactly at `from`
  add(1, a2, { ...offer, status: 429, latencyMs: 1, errorCode: "rate_limited", timestamp: T - 5 * H });
  add(1, a2, { ...offer, status: 304, latencyMs: 2, timestamp: T - 5 * H + 1_000 });
  add(4, b1, { ...inventory, status: 200, latencyMs: 60, timestamp: T - 30 * M }, 1_000);
  add(2, b1, { ...inventory, status: 401, latencyMs: 4, errorCode: "invalid_secret", timestamp: T - 30 * M + 10_000 });
  add(1, null, {
    method: "GET",
    route: "/api/v1/offers",
    status: 401,
    latencyMs: 1500,
    errorCode: "unknown_key",
    timestamp: T - H,
  });
  // Outside the last 24 hours (some inside 7 or 30 days).
  add(3, a1, { ...inventory, status: 200, latencyMs: 3, timestamp: T - D - 1 });
  add(2, a1, { ...inventory, status: 200, latencyMs: 3, timestamp: T }); // `to` is exclusive
  add(1, a1, { ...inventory, status: 200, latencyMs: 3, timestamp: T - 2 * D });
  add(1, b1, { ...inventory, status: 500, latencyMs: 3, timestamp: T - 40 * D });
  expect(await services().logStore.storeBatch(rows)).toBe(rows.length);
});

// ---- The expected answer, computed from the inserted entries alone. ----

type Expected = {
  requests: number;
  errors: number;
  clientErrors: number;
  serverErrors: number;
  avgLatencyMs: number | null;
  latencies: number[];
  series: { t: string; "2xx": number; "3xx": number; "4xx": number; "5xx": number; total: number }[];
  seriesLatencies: number[][];
  topKeys: { keyId: string | null; keyName: string | null; partner: string | null; requests: number; errors: number }[];
  topEndpoints: { method: string; route: string; requests: number; errors: number; latencies: number[] }[];
};

const isError = (e: LogEntry) => e.status >= 400;

function expected(
  selected: LogEntry[],
  range: { from: number; to: number },
  bucketMs: number,
  source: "rollups" | "raw",
): Expected {
  expect(range.from % bucketMs, "the model needs an aligned range").toBe(0);
  expect(range.to % bucketMs, "the model needs an aligned range").toBe(0);
  const inRange = selected.filter((e) => e.timestamp >= range.from && e.timestamp < range.to);
  const latencies = inRange.map((e) => e.latencyMs);
  const series: Expected["series"] = [];
  const seriesLatencies: number[][] = [];
  for (let t = range.from; t < range.to; t += bucketMs) {
    const inBucket = inRange.filter((e) => e.timestamp >= t && e.timestamp < t + bucketMs);
    const n = (cls: string) => inBucket.filter((e) => statusClass(e.status) === cls).length;
    series.push({
      t: new Date(t).toISOString(),
      "2xx": n("2xx"),
      "3xx": n("3xx"),
      "4xx": n("4xx"),
      "5xx": n("5xx"),
      total: inBucket.length,
    });
    seriesLatencies.push(inBucket.map((e) => e.latencyMs));
  }
  const byKey = new Map<string, Expected["topKeys"][number]>();
  for (const e of inRange) {
    // Rollups know a key by its internal id, so requests with an unknown key id fold into one row without an id.
    const known = e.apiKeyId !== null;
    const id = known || source === "raw" ? e.keyId : null;
    const k = byKey.get(String(id)) ?? {
      keyId: id,
      keyName: known ? e.keyName : null,
      partner: known ? e.partner : null,
      requests: 0,
      errors: 0,
    };
    k.requests++;
    if (isError(e)) k.errors++;
    byKey.set(String(id), k);
  }
  const byEndpoint = new Map<string, Expected["topEndpoints"][number]>();
  for (const e of inRange) {
    const key = `${e.method} ${e.route}`;
    const p = byEndpoint.get(key) ?? { method: e.method, route: e.route, requests: 0, errors: 0, latencies: [] };
    p.requests++;
    if (isError(e)) p.errors++;
    p.latencies.push(e.latencyMs);
    byEndpoint.set(key, p);
  }
  const desc = <X extends { requests: number }>(xs: X[]) => xs.sort((a, b) => b.requests - a.requests).slice(0, 10);
  return {
    requests: inRange.length,
    errors: inRange.filter(isError).length,
    clientErrors: inRange.filter((e) => statusClass(e.status) === "4xx").length,
    serverErrors: inRange.filter((e) => statusClass(e.status) === "5xx").length,
    avgLatencyMs: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null,
    latencies,
    series,
    seriesLatencies,
    topKeys: desc([...byKey.values()]),
    topEndpoints: desc([...byEndpoint.values()]),
  };
}

/** A quantile estimated from the histogram lies inside the histogram bucket of the true (nearest-rank) value. */
function expectQuantileInBucket(actual: number | null, latencies: number[], q: number, label: string) {
  if (latencies.length === 0) return expect(actual, label).toBeNull();
  const sorted = [...latencies].sort((a, b) => a - b);
  const truth = sorted[Math.ceil(q * sorted.length) - 1]!;
  const i = bucketIndex(truth);
  const lower = i === 0 ? 0 : BOUNDS_MS[i - 1]!;
  const upper = Number.isFinite(BOUNDS_MS[i]) ? BOUNDS_MS[i]! : sorted[sorted.length - 1]!;
  expect(actual, label).not.toBeNull();
  expect(actual!, `${label}: ${actual} within (${lower}, ${upper}] holding ${truth}`).toBeGreaterThanOrEqual(lower);
  expect(actual!, label).toBeLessThanOrEqual(upper);
  expect(actual!, `${label}: never above the slowest request`).toBeLessThanOrEqual(sorted[sorted.length - 1]!);
}

function expectStats(actual: LogStats, want: Expected) {
  expect(actual.totals).toMatchObject({
    requests: want.requests,
    errors: want.errors,
    clientErrors: want.clientErrors,
    serverErrors: want.serverErrors,
  });
  expect(actual.totals.errorRate).toBeCloseTo(want.requests ? want.errors / want.requests : 0, 12);
  if (want.avgLatencyMs === null) expect(actual.totals.avgLatencyMs).toBeNull();
  else expect(actual.totals.avgLatencyMs).toBeCloseTo(want.avgLatencyMs, 9);
  expectQuantileInBucket(actual.totals.p50, want.latencies, 0.5, "totals.p50");
  expectQuantileInBucket(actual.totals.p95, want.latencies, 0.95, "totals.p95");

  expect(actual.series.map(({ p50: _p50, p95: _p95, ...counts }) => counts)).toEqual(want.series);
  actual.series.forEach((point, i) => {
    expectQuantileInBucket(point.p50, want.seriesLatencies[i]!, 0.5, `series[${point.t}].p50`);
    expectQuantileInBucket(point.p95, want.seriesLatencies[i]!, 0.95, `series[${point.t}].p95`);
  });
  // The chart and the totals tell the same story.
  expect(actual.series.reduce((n, p) => n + p.total, 0)).toBe(actual.totals.requests);

  // Most requests first; equal counts may come in any order, so those compare as a set.
  const keyOf = (k: { keyId: string | null }) => String(k.keyId);
  expect(actual.topKeys.map((k) => k.requests)).toEqual(want.topKeys.map((k) => k.requests));
  expect(byCountThen(actual.topKeys, keyOf)).toEqual(byCountThen(want.topKeys, keyOf));
  const endpointOf = (e: { method: string; route: string }) => `${e.method} ${e.route}`;
  expect(actual.topEndpoints.map((e) => e.requests)).toEqual(want.topEndpoints.map((e) => e.requests));
  expect(
    byCountThen(
      actual.topEndpoints.map(({ p95: _p95, ...rest }) => rest),
      endpointOf,
    ),
  ).toEqual(
    byCountThen(
      want.topEndpoints.map(({ latencies: _l, ...rest }) => rest),
      endpointOf,
    ),
  );
  for (const ep of actual.topEndpoints) {
    const w = want.topEndpoints.find((x) => endpointOf(x) === endpointOf(ep))!;
    expectQuantileInBucket(ep.p95, w.latencies, 0.95, `${endpointOf(ep)} p95`);
  }
}

function byCountThen<X extends { requests: number }>(xs: X[], id: (x: X) => string): X[] {
  return [...xs].sort((a, b) => b.requests - a.requests || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

const last24h = { from: T - D, to: T };
const ownedBy = (ownerId: string) => rows.filter((e) => e.ownerId === ownerId);
const ofKey = (k: Identity) => rows.filter((e) => e.keyId === k.keyId);
// Every 4xx status the data holds, as exact statuses: the raw path's version of {status: "4xx"}.
const EXACT_4XX = "400,401,403,404,429";

describe("logStats over rollups", () => {
  it("a user's last 24 hours: 15-minute buckets, counts per class, totals, top keys and endpoints", async () => {
    const stats = await logStats(alice, { range: "24h" }, NOW);
    expect(stats.source).toBe("rollups");
    expect(stats.bucketMs).toBe(15 * M);
    expect(stats.range).toEqual({ from: new Date(T - D).toISOString(), to: NOW.toISOString(), clamped: false });
    expect(stats.series).toHaveLength(D / (15 * M));
    expectStats(stats, expected(ownedBy(alice.userId), last24h, 15 * M, "rollups"));
  });

  it("requests on both sides of an hour boundary land in their own buckets", async () => {
    const stats = await logStats(alice, { range: "24h", method: "POST", status: "2xx" }, NOW);
    const nonZero = stats.series.filter((p) => p.total > 0).map((p) => [p.t, p["2xx"]]);
    const crossing = ownedBy(alice.userId).filter((e) => e.method === "POST" && e.status === 201);
    expect(nonZero).toEqual([
      [new Date(T - 3 * H - 15 * M).toISOString(), crossing.filter((e) => e.timestamp < T - 3 * H).length],
      [new Date(T - 3 * H).toISOString(), crossing.filter((e) => e.timestamp >= T - 3 * H).length],
    ]);
  });

  test.each([
    ["7d", 7 * D, H],
    ["30d", 30 * D, 6 * H],
  ] as const)("%s reads hourly rollups and still matches the rows", async (range, span, bucketMs) => {
    for (const actor of [alice, bob, support]) {
      const stats = await logStats(actor, { range }, NOW);
      expect(stats.source).toBe("rollups");
      expect(stats.bucketMs).toBe(bucketMs);
      const visible = actor === support ? rows : ownedBy(actor.userId);
      expectStats(stats, expected(visible, { from: T - span, to: T }, bucketMs, "rollups"));
    }
  });

  it("an explicit from/to is honoured", async () => {
    const from = new Date(T - 6 * H);
    const to = new Date(T - 2 * H);
    const stats = await logStats(alice, { from: from.toISOString(), to: to.toISOString() }, NOW);
    expect(stats.source).toBe("rollups");
    expect(stats.bucketMs).toBe(5 * M);
    expectStats(stats, expected(ownedBy(alice.userId), { from: T - 6 * H, to: T - 2 * H }, 5 * M, "rollups"));
  });

  test.each([
    ["keyId", () => ({ keyId: a2.keyId }), () => ofKey(a2)],
    ["partner", () => ({ partner: "Acme" }), () => ofKey(a1)],
    ["route", () => ({ route: "/api/v1/offers/{id}" }), () => rows.filter((e) => e.route === "/api/v1/offers/{id}")],
    ["method", () => ({ method: "POST" }), () => rows.filter((e) => e.method === "POST")],
    ["status class", () => ({ status: "4xx" }), () => rows.filter((e) => statusClass(e.status) === "4xx")],
    [
      "two status classes",
      () => ({ status: "3xx,5xx" }),
      () => rows.filter((e) => e.status >= 500 || (e.status >= 300 && e.status < 400)),
    ],
  ] as const)("filter by %s", async (_, filter, select) => {
    const stats = await logStats(alice, { range: "24h", ...filter() }, NOW);
    expect(stats.source).toBe("rollups");
    const want = expected(
      ownedBy(alice.userId).filter((e) => select().includes(e)),
      last24h,
      15 * M,
      "rollups",
    );
    expect(want.requests, "the filter must select something").toBeGreaterThan(0);
    expectStats(stats, want);
  });
});

describe("logStats over raw rows", () => {
  test.each([
    ["an exact status", () => ({ status: "404" }), (e: LogEntry) => e.status === 404],
    [
      "a class mixed with an exact status",
      () => ({ status: "2xx,429" }),
      (e: LogEntry) => e.status === 429 || statusClass(e.status) === "2xx",
    ],
    ["an error code", () => ({ errorCode: "rate_limited" }), (e: LogEntry) => e.errorCode === "rate_limited"],
    [
      "a request id",
      () => ({ requestId: ofKey(a1)[0]!.requestId }),
      (e: LogEntry) => e.requestId === ofKey(a1)[0]!.requestId,
    ],
  ] as const)("%s needs raw rows", async (_, filter, select) => {
    const stats = await logStats(alice, { range: "24h", ...filter() }, NOW);
    expect(stats.source).toBe("raw");
    expect(stats.bucketMs).toBe(15 * M);
    const want = expected(ownedBy(alice.userId).filter(select), last24h, 15 * M, "raw");
    expect(want.requests, "the filter must select something").toBeGreaterThan(0);
    expectStats(stats, want);
  });

  it("a test (sandbox) key reads raw rows of its environment only", async () => {
    const actor: Actor = {
      kind: "key",
      apiKeyId: t1.apiKeyId,
      keyId: t1.keyId,
      ownerId: alice.userId,
      scopes: ["logs:read"],
      environment: "test",
      ip: null,
    };
    const stats = await logStats(actor, { range: "24h" }, NOW);
    expect(stats.source).toBe("raw");
    const want = expected(
      ownedBy(alice.userId).filter((e) => e.environment === "test"),
      last24h,
      15 * M,
      "raw",
    );
    expect(want.requests).toBeGreaterThan(0);
    expectStats(stats, want);
  });
});

describe("rollups and raw rows agree", () => {
  test.each([
    ["24h", () => ({ range: "24h" }), () => [alice, bob, support]],
    ["7d", () => ({ range: "7d" }), () => [alice, bob, support]],
    ["24h, one key", () => ({ range: "24h", keyId: a1.keyId }), () => [alice, support]],
  ] as const)("{status: 4xx} and the exact 4xx statuses give the same answer (%s)", async (_, filter, actors) => {
    for (const actor of actors()) {
      const viaRollups = await logStats(actor, { ...filter(), status: "4xx" }, NOW);
      const viaRaw = await logStats(actor, { ...filter(), status: EXACT_4XX }, NOW);
      expect(viaRollups.source).toBe("rollups");
      expect(viaRaw.source).toBe("raw");
      expect(viaRaw.totals.requests).toBeGreaterThan(0);
      expect(viaRaw.totals).toEqual(viaRollups.totals);
      expect(viaRaw.series).toEqual(viaRollups.series);
      // Equal counts may come in either order.
      const endpointOf = (e: { method: string; route: string }) => `${e.method} ${e.route}`;
      expect(byCountThen(viaRaw.topEndpoints, endpointOf)).toEqual(byCountThen(viaRollups.topEndpoints, endpointOf));
      // Rollups hold no presented key id for unknown keys: compare the known keys.
      const known = (s: LogStats) =>
        byCountThen(
          s.topKeys.filter((k) => k.keyId !== null && k.keyId !== UNKNOWN_KEY),
          (k) => k.keyId!,
        );
      expect(known(viaRaw)).toEqual(known(viaRollups));
    }
  });

  it("and both match the rows for an unaligned range read raw", async () => {
    const now = new Date(T + 7 * M + 30_000);
    const stats = await logStats(alice, { range: "24h", status: "200,201,304" }, now);
    expect(stats.source).toBe("raw");
    const inRange = ownedBy(alice.userId).filter(
      (e) => e.timestamp >= now.getTime() - D && e.timestamp < now.getTime() && [200, 201, 304].includes(e.status),
    );
    expect(stats.totals.requests).toBe(inRange.length);
  });

  // "Last 24h" at a time off a 15-minute boundary: rollups are read by whole minutes, not whole chart buckets.
  it("rollup totals for an unaligned range count no request minutes outside it", async () => {
    const now = new Date(T + 7 * M + 30_000);
    const from = now.getTime() - D;
    const viaRollups = await logStats(alice, { range: "24h", status: "2xx,3xx" }, now);
    expect(viaRollups.source).toBe("rollups");
    const minuteFloor = Math.floor(from / M) * M;
    const inWindow = ownedBy(alice.userId).filter(
      (e) => e.timestamp >= minuteFloor && e.timestamp < now.getTime() && e.status < 400,
    );
    expect(viaRollups.totals.requests).toBe(inWindow.length);
  });
});

describe("logStats owner isolation", () => {
  it("a user never counts another owner's rows, on either path", async () => {
    for (const actor of [alice, bob]) {
      for (const status of [undefined, "4xx", EXACT_4XX]) {
        const stats = await logStats(actor, { range: "24h", ...(status ? { status } : {}) }, NOW);
        const mine = ownedBy(actor.userId).filter((e) => !status || statusClass(e.status) === "4xx");
        expectStats(stats, expected(mine, last24h, 15 * M, stats.source));
      }
    }
  });

  it("support staff see everyone's rows, unknown keys included", async () => {
    const stats = await logStats(support, { range: "24h" }, NOW);
    expect(stats.source).toBe("rollups");
    const want = expected(rows, last24h, 15 * M, "rollups");
    expect(want.topKeys.some((k) => k.keyId === null)).toBe(true);
    expectStats(stats, want);
  });

  test.each([
    ["by id", () => bob.userId],
    ["by email (any case)", () => bob.email.toUpperCase()],
  ])("support's user filter narrows to that user %s, on both paths", async (_, user) => {
    const onRollups = await logStats(support, { range: "24h", user: user() }, NOW);
    expect(onRollups.source).toBe("rollups");
    expectStats(onRollups, expected(ownedBy(bob.userId), last24h, 15 * M, "rollups"));
    const onRaw = await logStats(support, { range: "24h", user: user(), status: "200,401" }, NOW);
    expect(onRaw.source).toBe("raw");
    expectStats(onRaw, expected(ownedBy(bob.userId), last24h, 15 * M, "raw"));
  });

  it("support's filter for a user that does not exist matches nothing", async () => {
    for (const status of ["2xx", "200"]) {
      const stats = await logStats(support, { range: "24h", user: "nobody@example.test", status }, NOW);
      expect(stats.totals.requests).toBe(0);
    }
  });

  it("a user's `user` filter is ignored: it cannot widen to someone else", async () => {
    const stats = await logStats(alice, { range: "24h", user: bob.userId }, NOW);
    expectStats(stats, expected(ownedBy(alice.userId), last24h, 15 * M, "rollups"));
  });

  it("another owner's key id selects nothing, on either path", async () => {
    expect(ofKey(b1).length).toBeGreaterThan(0);
    for (const status of [undefined, "200"]) {
      const stats = await logStats(alice, { range: "24h", keyId: b1.keyId, ...(status ? { status } : {}) }, NOW);
      expect(stats.totals.requests).toBe(0);
      expect(stats.topKeys).toEqual([]);
    }
  });

  it("a key's own filter uses that key's rows only, for support too", async () => {
    const stats = await logStats(support, { range: "7d", keyId: a1.keyId }, NOW);
    expectStats(stats, expected(ofKey(a1), { from: T - 7 * D, to: T }, H, "rollups"));
    expect(stats.topKeys.map((k) => k.keyId)).toEqual([a1.keyId]);
  });
});

describe("logStats without data", () => {
  test.each([
    ["rollups", {}],
    ["raw", { status: "200" }],
  ] as const)("a user with no requests gets a zero series and null percentiles (%s)", async (source, filter) => {
    const stats = await logStats(carol, { range: "24h", ...filter }, NOW);
    expect(stats.source).toBe(source);
    expect(stats.series).toHaveLength(D / (15 * M));
    expect(stats.series.every((p) => p.total === 0 && p["2xx"] + p["3xx"] + p["4xx"] + p["5xx"] === 0)).toBe(true);
    expect(stats.series.every((p) => p.p50 === null && p.p95 === null)).toBe(true);
    expect(stats.totals).toEqual({
      requests: 0,
      errors: 0,
      errorRate: 0,
      clientErrors: 0,
      serverErrors: 0,
      p50: null,
      p95: null,
      avgLatencyMs: null,
    });
    expect(stats.topKeys).toEqual([]);
    expect(stats.topEndpoints).toEqual([]);
  });
});
