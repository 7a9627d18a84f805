import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { logEntry, logFilterOver } from "@/test/fixtures";
import { newRequestId } from "../http/request-id";
import { services } from "../services";
import { STATUS_CLASS_RANGES, statusClass, type LogEntry, type StatusClass } from "./log-entry";
import { logRowWhere, type ResolvedLogFilter } from "./log-filter";

/**
 * The one filter -> SQL builder, against a plain in-memory reading of the same filter, on whichever database the
 * suite runs (SQLite or PostgreSQL): for random filters over a fixed set of rows, the database selects exactly
 * the rows the oracle does.
 */
const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const HOUR = 3_600_000;
const OWNERS = ["owner-a", "owner-b", null] as const;
const KEYS = ["kw_live_key0000000000001", "kw_live_key0000000000002", "kw_test_key0000000000003", null] as const;
// Mixed case on purpose: exact-value filters are case-sensitive on both databases.
const PARTNERS = ["Acme", "acme", "Globex", null] as const;
const METHODS = ["GET", "POST", "DELETE"] as const;
const ROUTES = ["/api/v1/inventory", "/api/v1/offers", "/api/v1/offers/{id}"] as const;
const STATUSES = [200, 201, 304, 401, 403, 404, 429, 500, 503] as const;
const ERRORS = ["not_found", "rate_limited", null] as const;
const ENVIRONMENTS = ["live", "test", null] as const;

const rowArb = fc.record({
  // Whole-minute offsets over four days, so many rows share a timestamp and range edges land on rows.
  minute: fc.integer({ min: 0, max: 4 * 24 * 60 }),
  ownerId: fc.constantFrom(...OWNERS),
  keyId: fc.constantFrom(...KEYS),
  partner: fc.constantFrom(...PARTNERS),
  method: fc.constantFrom(...METHODS),
  route: fc.constantFrom(...ROUTES),
  status: fc.constantFrom(...STATUSES),
  errorCode: fc.constantFrom(...ERRORS),
  environment: fc.constantFrom(...ENVIRONMENTS),
});

let rows: LogEntry[] = [];

beforeAll(async () => {
  const drawn = fc.sample(rowArb, { seed: 1234, numRuns: 400 });
  // Each row's request id is issued from its timestamp (logEntry), as the guard's are.
  rows = drawn.map((r) =>
    logEntry({
      timestamp: T0 + r.minute * 60_000,
      ownerId: r.ownerId,
      keyId: r.keyId,
      partner: r.partner,
      method: r.method,
      route: r.route,
      status: r.status,
      errorCode: r.errorCode,
      environment: r.environment,
    }),
  );
  expect(await services().logStore.storeBatch(rows)).toBe(rows.length);
});

/** The filter's meaning, spelled without SQL. */
function matches(e: LogEntry, f: ResolvedLogFilter): boolean {
  if (e.timestamp < f.range.from.getTime() || e.timestamp >= f.range.to.getTime()) return false;
  if (f.owner === "nobody") return false;
  if (f.owner !== null && e.ownerId !== f.owner) return false;
  if (f.environment && e.environment !== f.environment) return false;
  const anyOf = <T>(list: readonly T[], v: T) => list.length === 0 || list.includes(v);
  if (!anyOf(f.keyIds, e.keyId as string)) return false;
  if (!anyOf(f.partners, e.partner as string)) return false;
  if (!anyOf(f.methods, e.method)) return false;
  if (!anyOf(f.routes, e.route)) return false;
  if (f.requestId && e.requestId !== f.requestId) return false;
  if (f.errorCode && e.errorCode !== f.errorCode) return false;
  if (f.statusClasses.length || f.statuses.length) {
    if (!f.statusClasses.includes(statusClass(e.status)) && !f.statuses.includes(e.status)) return false;
  }
  return true;
}

const subset = <T>(values: readonly T[]) => fc.subarray([...values], { maxLength: 3 });
const nonNull = <T>(values: readonly (T | null)[]) => values.filter((v): v is T => v !== null);

const filterArb: fc.Arbitrary<ResolvedLogFilter> = fc
  .record({
    fromHour: fc.integer({ min: -2, max: 100 }),
    hours: fc.integer({ min: 0, max: 110 }),
    owner: fc.constantFrom<ResolvedLogFilter["owner"]>("owner-a", "owner-b", null, "nobody"),
    environment: fc.constantFrom<"test" | null>(null, "test"),
    keyIds: subset([...nonNull(KEYS), "kw_live_nosuchkey000000"]),
    partners: subset([...nonNull(PARTNERS), "ACME"]),
    methods: subset(METHODS),
    routes: subset(ROUTES),
    statusClasses: subset(["2xx", "3xx", "4xx", "5xx"] as const),
    statuses: subset(STATUSES),
    requestId: fc.option(
      // A stored row's id, an issued id no row has, or one Keyward never issues (it matches nothing).
      fc
        .integer({ min: 0, max: 420 })
        .map((i) => (i < rows.length ? rows[i]!.requestId : i % 2 ? newRequestId(T0 + i) : `req_filter_${i}`)),
      {
        nil: undefined,
      },
    ),
    errorCode: fc.option(fc.constantFrom(...nonNull(ERRORS), "internal_error"), { nil: undefined }),
  })
  .map(({ fromHour, hours, ...f }) => ({
    ...f,
    range: { from: new Date(T0 + fromHour * HOUR), to: new Date(T0 + (fromHour + hours) * HOUR), clamped: false },
  }));

async function selected(f: ResolvedLogFilter): Promise<string[]> {
  const logDb = services().logDb;
  const found = await logDb.kysely
    .selectFrom("RequestLog")
    .select("requestId")
    .where(logRowWhere(f, (ms) => logDb.time(ms)))
    .orderBy("requestId")
    .execute();
  return found.map((r) => r.requestId);
}

describe("a status class as a status range (what logRowWhere spells, so the status index serves it)", () => {
  it("holds every status 100–599 of that class, and no other", () => {
    for (let status = 100; status <= 599; status++) {
      const inRange = (Object.keys(STATUS_CLASS_RANGES) as StatusClass[]).filter((cls) => {
        const { from = -Infinity, below = Infinity } = STATUS_CLASS_RANGES[cls];
        return status >= from && status < below;
      });
      expect(inRange, String(status)).toEqual([statusClass(status)]);
    }
  });
});

describe("logRowWhere (the one log filter -> SQL builder)", () => {
  it("selects exactly the rows an in-memory reading of the filter selects", async () => {
    await fc.assert(
      fc.asyncProperty(filterArb, async (f) => {
        const want = rows
          .filter((e) => matches(e, f))
          .map((e) => e.requestId)
          .sort();
        expect(await selected(f)).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });

  it("finds rows for common filters (the property above is not comparing empty sets)", async () => {
    const everything = logFilterOver({ from: new Date(T0), to: new Date(T0 + 5 * 24 * HOUR) });
    expect(await selected(everything)).toHaveLength(rows.length);
    const ownerA = await selected({ ...everything, owner: "owner-a", statusClasses: ["4xx"], statuses: [500] });
    expect(ownerA.length).toBeGreaterThan(10);
    expect(ownerA).toEqual(
      rows
        .filter((e) => e.ownerId === "owner-a" && (statusClass(e.status) === "4xx" || e.status === 500))
        .map((e) => e.requestId)
        .sort(),
    );
    // "No such user" (a support filter naming nobody) selects nothing, whatever else the filter says.
    expect(await selected({ ...everything, owner: "nobody" })).toEqual([]);
  });
});
