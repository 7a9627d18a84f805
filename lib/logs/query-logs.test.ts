import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, test } from "vitest";
import { logEntry, logPage, makeUser, rejectionOf, type UserActor } from "@/test/fixtures";
import { services } from "../services";
import { decodeCursor, encodeCursor, queryLogs, type LogRow } from "./query-logs";

const NOW = new Date("2026-06-01T12:00:00.000Z");
let owner: UserActor;
let other: UserActor;
const mine: { requestId: string; timestamp: Date }[] = [];

beforeAll(async () => {
  owner = await makeUser();
  other = await makeUser();
  // 37 rows for the owner over 10 distinct timestamps (so many share a timestamp), and some for someone else.
  const rows = [];
  for (let i = 0; i < 37; i++) {
    const timestamp = new Date(NOW.getTime() - 60_000 * (1 + (i % 10)));
    const requestId = `req_${randomUUID()}`;
    mine.push({ requestId, timestamp });
    rows.push({ requestId, timestamp, ownerId: owner.userId, status: i % 4 === 0 ? 403 : 200 });
  }
  for (let i = 0; i < 5; i++)
    rows.push({
      requestId: `req_${randomUUID()}`,
      timestamp: new Date(NOW.getTime() - 90_000),
      ownerId: other.userId,
      status: 200,
    });
  // Written as the log writer writes (raw rows and their rollups, which filtered pages read first).
  const entries = rows.map((r) =>
    logEntry({ ...r, keyId: "kw_live_0000000000000000", timestamp: r.timestamp.getTime() }),
  );
  expect(await services().logStore.storeBatch(entries)).toBe(entries.length);
});

async function pageThrough(actor: UserActor, query: Record<string, unknown>) {
  const seen: LogRow[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Awaited<ReturnType<typeof queryLogs>> = await queryLogs(
      actor,
      logPage({ ...query, ...(cursor ? { cursor } : {}) }),
      NOW,
    );
    seen.push(...page.data);
    cursor = page.nextCursor;
    if (++pages > 100) throw new Error("pagination does not end");
  } while (cursor);
  return { seen, pages };
}

describe("queryLogs keyset pagination", () => {
  test.each([
    ["desc", 1],
    ["desc", 4],
    ["desc", 10],
    ["asc", 3],
    ["asc", 37],
    ["desc", 500],
  ] as const)("order %s, limit %s: every row exactly once, in (timestamp, id) order", async (order, limit) => {
    const { seen, pages } = await pageThrough(owner, { order, limit });
    expect(pages).toBe(Math.max(1, Math.ceil(37 / limit)));
    expect(seen.map((r) => r.requestId).sort()).toEqual(mine.map((r) => r.requestId).sort());
    const keys = seen.map((r) => [Date.parse(r.timestamp), r.id] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(keys).toEqual(order === "asc" ? sorted : sorted.reverse());
  });

  it("keeps filters across pages", async () => {
    const { seen } = await pageThrough(owner, { limit: 2, status: "403" });
    expect(seen).toHaveLength(10);
    expect(new Set(seen.map((r) => r.requestId)).size).toBe(10);
    for (const r of seen) expect(r.status).toBe(403);
  });

  it("a user sees only their own rows; support sees everyone's", async () => {
    expect((await pageThrough(other, { limit: 3 })).seen).toHaveLength(5);
    const support = await makeUser("support");
    expect((await pageThrough(support, { limit: 50 })).seen).toHaveLength(42);
    expect((await pageThrough(support, { limit: 50, user: owner.email })).seen).toHaveLength(37);
  });

  it("the time range bounds the rows: from inclusive, to exclusive", async () => {
    const at = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
    const { seen } = await pageThrough(owner, { from: at(3), to: at(1), limit: 50 });
    // Offsets 2 and 3 minutes: i % 10 in {1, 2}.
    expect(seen).toHaveLength(mine.filter((r) => [at(2), at(3)].includes(r.timestamp.toISOString())).length);
    expect(seen.every((r) => r.timestamp === at(2) || r.timestamp === at(3))).toBe(true);
    expect((await queryLogs(owner, logPage({ range: "15m" }), new Date(NOW.getTime() + 30 * 86_400_000))).data).toEqual(
      [],
    );
  });

  it("cursors round-trip, and a cursor it did not issue is a 400", async () => {
    const row = { timestamp: new Date("2026-01-02T03:04:05.006Z"), id: "cmabc:with:colons" };
    expect(decodeCursor(encodeCursor(row))).toEqual(row);
    const err = await rejectionOf(queryLogs(owner, logPage({ cursor: "garbage" }), NOW));
    expect({ code: err.code, status: err.status, message: err.message }).toEqual({
      code: "validation_failed",
      status: 400,
      message: "query.cursor: not a cursor this API returned",
    });
  });
});
