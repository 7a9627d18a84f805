import { beforeAll, describe, expect, it } from "vitest";
import { keyLogIdentity, logEntry, logPage, makeKey, makeUser, type UserActor } from "@/test/fixtures";
import type { Actor } from "../auth/actor";
import { services } from "../services";
import { statusClass, type LogEntry } from "./log-entry";
import { queryLogs } from "./query-logs";

// Pages of filters that the hourly rollups bound (route, method, status): every page, in both orders and at
// several sizes, must hold exactly the rows a plain filter of the log holds, whatever the rollups let it skip.
// A clock of its own (2031) keeps other files' rows out of support staff's all-users view.
const H = 3_600_000;
const NOW = new Date("2031-03-15T12:00:00.000Z");
const T = NOW.getTime();

let alice: UserActor;
let bob: UserActor;
let support: UserActor;
const entries: LogEntry[] = [];

/** A deterministic generator (mulberry32): the same log on every run, on both databases. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ENDPOINTS = [
  { method: "GET", route: "/api/v1/inventory", weight: 60 },
  { method: "POST", route: "/api/v1/offers", weight: 25 },
  { method: "POST", route: "/api/v1/offers/{id}/withdraw", weight: 2 },
  { method: "DELETE", route: "/api/v1/webhooks/{id}", weight: 0 },
];
const STATUSES = [200, 200, 200, 201, 400, 403, 404, 429, 500];

beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
  support = await makeUser("support");
  const a1 = await keyLogIdentity(await makeKey(alice, { name: "Alice feed" }));
  const a2 = await keyLogIdentity(await makeKey(alice, { name: "Alice offers" }));
  const b1 = await keyLogIdentity(await makeKey(bob, { name: "Bob feed" }));
  // Rows of no known key (a made-up key id), and rows with an owner but no key (the guard never writes those;
  // older imports or hand-made rows might): the bounds must hold for them too.
  const unknown = { keyId: "kw_live_unknown000000000000" };
  const ownerOnly = [{ ownerId: alice.userId }, { ownerId: bob.userId }];
  const sources = [a1, a1, a1, a2, b1, b1, unknown, ...ownerOnly];

  const rand = random(2031);
  const total = ENDPOINTS.reduce((n, e) => n + e.weight, 0);
  const pick = () => {
    let x = rand() * total;
    for (const e of ENDPOINTS) if ((x -= e.weight) < 0) return e;
    return ENDPOINTS[0]!;
  };
  // 48 hours: busy hours, quiet hours and hours with nothing, so windows start and end inside the range.
  for (let hour = 0; hour < 48; hour++) {
    const n = hour % 7 === 3 ? 0 : hour % 5 === 0 ? 40 : 4;
    for (let i = 0; i < n; i++) {
      const { method, route } = pick();
      const status = STATUSES[Math.floor(rand() * STATUSES.length)]!;
      const source = sources[Math.floor(rand() * sources.length)]!;
      entries.push(
        logEntry({
          ...source,
          timestamp: T - 48 * H + hour * H + Math.floor(rand() * H),
          method,
          route,
          path: route,
          status,
          errorCode: status >= 400 ? (status === 429 ? "rate_limited" : "refused") : null,
        }),
      );
    }
  }
  // Two rows in one millisecond: the keyset's tie-break on the id, across a window's edge.
  const tie = T - 20 * H;
  entries.push(logEntry({ ...a1, timestamp: tie, method: "POST", route: "/api/v1/offers/{id}/withdraw", status: 500 }));
  entries.push(logEntry({ ...a1, timestamp: tie, method: "POST", route: "/api/v1/offers/{id}/withdraw", status: 500 }));
  // Owner-only rows of two owners in one hour, alone on their route: their rollup row (no key) can name one owner.
  const rare = { method: "DELETE", route: "/api/v1/keys/{id}", path: "/api/v1/keys/k1", status: 204 };
  for (const owner of ownerOnly) entries.push(logEntry({ ...owner, ...rare, timestamp: T - 10 * H + 60_000 }));
  // Rows past the raw retention (30 days) that the purge has not removed yet: a page over a long range, whose
  // older hours the bounds do not read, still shows them.
  for (const days of [35, 200])
    entries.push(
      logEntry({ ...a1, ...rare, timestamp: T - days * 24 * H }),
      logEntry({ ...b1, timestamp: T - days * 24 * H }),
    );
  expect(await services().logStore.storeBatch(entries)).toBe(entries.length);
});

type Filter = { method?: string; route?: string; status?: string; errorCode?: string; user?: string };

/** The rows a filter selects for an actor, in page order: the reference the pages are checked against. */
function expected(actor: UserActor, f: Filter, range: { from: number; to: number }, order: "asc" | "desc") {
  const owner = actor.role === "support" ? (f.user ?? null) : actor.userId;
  const status = f.status;
  const rows = entries.filter(
    (e) =>
      e.timestamp >= range.from &&
      e.timestamp < range.to &&
      (owner === null || e.ownerId === owner) &&
      (!f.method || e.method === f.method) &&
      (!f.route || e.route === f.route) &&
      (!status || (/xx$/.test(status) ? statusClass(e.status) === status : e.status === Number(status))) &&
      (!f.errorCode || e.errorCode === f.errorCode),
  );
  const key = (e: LogEntry) => [e.timestamp, e.requestId] as const;
  rows.sort((x, y) => {
    const [a, b] = [key(x), key(y)];
    const c = a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
    return order === "asc" ? c : -c;
  });
  return rows.map((e) => e.requestId);
}

async function allPages(actor: Actor, input: Record<string, unknown>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; ; pages++) {
    if (pages > 500) throw new Error("pagination does not end");
    const page: Awaited<ReturnType<typeof queryLogs>> = await queryLogs(
      actor,
      logPage({ ...input, ...(cursor ? { cursor } : {}) }),
      NOW,
    );
    ids.push(...page.data.map((r) => r.id));
    if (page.data.length > Number(input.limit)) throw new Error("page longer than its limit");
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
}

const FILTERS: Filter[] = [
  { method: "POST", route: "/api/v1/offers/{id}/withdraw" },
  { method: "POST", route: "/api/v1/offers/{id}/withdraw", status: "5xx" },
  { method: "DELETE", route: "/api/v1/webhooks/{id}" },
  { route: "/api/v1/offers" },
  { method: "GET", status: "4xx" },
  { status: "5xx" },
  { status: "429" },
  { status: "409" },
  { route: "/api/v1/offers", status: "403", errorCode: "refused" },
  { method: "POST", status: "2xx" },
  { method: "DELETE", route: "/api/v1/keys/{id}" },
];
const RANGES = {
  "whole log": { from: T - 49 * H, to: T },
  "a year, past the raw retention": { from: T - 365 * 24 * H, to: T },
  // Both ends inside an hour: the hours at the edges are only partly in the range.
  "mid-hour edges": { from: T - 30 * H - 17 * 60_000, to: T - 6 * H - 45 * 60_000 },
};

describe("pages bounded by the hourly rollups hold exactly the rows of the plain filter", () => {
  for (const [rangeName, range] of Object.entries(RANGES)) {
    for (const f of FILTERS) {
      it(`${JSON.stringify(f)}, ${rangeName}: owner, support, support for one user; both orders; limits 1, 7, 50`, async () => {
        const actors: [UserActor, Filter][] = [
          [alice, f],
          [bob, f],
          [support, f],
          [support, { ...f, user: alice.userId }],
        ];
        let compared = 0;
        for (const [actor, filter] of actors) {
          for (const order of ["desc", "asc"] as const) {
            const want = expected(actor, filter, range, order);
            for (const limit of [1, 7, 50]) {
              const input = {
                ...filter,
                from: new Date(range.from).toISOString(),
                to: new Date(range.to).toISOString(),
                order,
                limit,
              };
              expect(await allPages(actor, input), `${actor.role} ${order} limit ${limit}`).toEqual(want);
              compared += want.length;
            }
          }
        }
        // The filters are chosen so that most select rows: an empty log would pass the comparison vacuously.
        if (!f.route?.includes("webhooks") && f.status !== "409") expect(compared).toBeGreaterThan(0);
      });
    }
  }
});

describe("hours whose rollups are gone while their raw rows remain (a rollup retention once set below the raw one)", () => {
  it("are read, not skipped: pages still hold every row of the plain filter", async () => {
    // Retention deletes whole hours of rollups, oldest first: what is left starts at the oldest hour still there.
    const logDb = services().logDb;
    const cut = logDb.time(T - 30 * H);
    const gone = await logDb.kysely
      .deleteFrom("RequestRollup")
      .where("resolution", "=", "hour")
      .where("bucketStart", "<", cut)
      .executeTakeFirst();
    expect(Number(gone.numDeletedRows)).toBeGreaterThan(0);
    const range = RANGES["whole log"];
    for (const f of [FILTERS[0]!, FILTERS[4]!, { method: "DELETE", route: "/api/v1/keys/{id}" }]) {
      for (const [actor, filter] of [
        [alice, f],
        [support, f],
      ] as const) {
        const want = expected(actor, filter, range, "desc");
        const input = { ...filter, from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() };
        expect(await allPages(actor, { ...input, limit: 7 }), JSON.stringify(filter)).toEqual(want);
        expect(want.some((id) => entries.find((e) => e.requestId === id)!.timestamp < T - 30 * H)).toBe(
          f.route !== "/api/v1/keys/{id}",
        );
      }
    }
  });
});
