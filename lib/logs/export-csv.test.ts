import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import type { KyselyPlugin } from "kysely";
import { logPage, makeUser, overrideServices, type UserActor } from "@/test/fixtures";
import { services } from "../services";
import { newRequestId } from "../http/request-id";
import type { LogEntry } from "./log-entry";
import { exportLogsCsv, CSV_COLUMNS } from "./export-csv";
import { queryLogs } from "./query-logs";

const NOW = new Date("2026-11-20T12:00:00.000Z");
/** Row i's time: spread over 3 days, with some identical timestamps to exercise the tie-breaker. */
const stampOf = (i: number) => NOW.getTime() - 60_000 - Math.floor(i / 2) * 3_600_000;
/** Row i's request id, issued from its time as the guard issues them (so it can be looked up by id). */
const ROWS = 120;
const EXPORT_IDS = Array.from({ length: ROWS }, (_, i) => newRequestId(stampOf(i)));
const exportId = (i: number) => EXPORT_IDS[i]!;
let alice: UserActor;
let bob: UserActor;
let support: UserActor;

async function csvRows(actor: UserActor, filters: Record<string, unknown>) {
  const stream = await exportLogsCsv(actor, filters, { now: NOW });
  const text = await new Response(stream).text();
  return parse(text, { columns: true }) as Record<(typeof CSV_COLUMNS)[number], string>[];
}

async function pagedIds(actor: UserActor, filters: Record<string, unknown>) {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryLogs(actor, logPage({ ...filters, limit: 7, ...(cursor ? { cursor } : {}) }), NOW);
    ids.push(...page.data.map((r) => r.requestId));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
  support = await makeUser("support");
  const routes = [
    ["GET", "/api/v1/inventory"],
    ["POST", "/api/v1/offers"],
    ["GET", "/api/v1/offers/{id}"],
  ] as const;
  const statuses = [200, 201, 401, 403, 404, 429, 500];
  const entries: LogEntry[] = [];
  for (let i = 0; i < ROWS; i++) {
    const owner = i % 3 === 0 ? bob : alice;
    const [method, route] = routes[i % routes.length]!;
    const status = statuses[i % statuses.length]!;
    entries.push({
      requestId: exportId(i),
      timestamp: stampOf(i),
      apiKeyId: `key-${i % 4}`,
      keyId: `kw_live_exportkey000${i % 4}`,
      keyName: `Key ${i % 4}`,
      partner: i % 2 ? "Acme" : "Globex",
      ownerId: owner.userId,
      environment: "live",
      method,
      route,
      path: route,
      status,
      latencyMs: 1 + i / 10,
      ip: "198.51.100.7",
      userAgent: i === 5 ? '=HYPERLINK("http://evil")' : "client/1.0",
      errorCode: status >= 400 ? "some_error" : null,
      secretSlot: "current",
      scopeUsed: null,
    });
  }
  await services().logStore.storeBatch(entries);
});

describe("CSV export", () => {
  it.each([
    ["last 24 hours", { range: "24h" }],
    ["30 days", { range: "30d" }],
    ["one key, 4xx", { range: "30d", keyId: "kw_live_exportkey0001", status: "4xx" }],
    [
      "two keys, exact 403 or 5xx",
      { range: "30d", keyId: ["kw_live_exportkey0001", "kw_live_exportkey0002"], status: ["403", "5xx"] },
    ],
    ["partner and method", { range: "30d", partner: "Acme", method: "POST" }],
    ["route pattern", { range: "7d", route: "/api/v1/offers/{id}" }],
    ["request id", { range: "30d", requestId: exportId(10) }],
    ["custom window", { from: "2026-11-18T00:00:00.000Z", to: "2026-11-19T00:00:00.000Z" }],
  ])("holds exactly the rows the log view pages through: %s", async (_name, filters) => {
    const exported = (await csvRows(alice, filters)).map((r) => r.requestId);
    const paged = await pagedIds(alice, filters);
    expect(paged.length).toBeGreaterThan(0);
    expect(exported).toEqual(paged);
  });

  it("never contains another owner's rows; support staff export everyone's, or one user's", async () => {
    const mine = await csvRows(alice, { range: "30d" });
    expect(mine).toHaveLength(80);
    const all = await csvRows(support, { range: "30d" });
    expect(all).toHaveLength(120);
    const bobs = await csvRows(support, { range: "30d", user: bob.email });
    expect(bobs).toHaveLength(40);
    expect(await csvRows(support, { range: "30d", user: "nobody@example.test" })).toHaveLength(0);
    // A plain user's "user" filter is ignored: still only their own rows.
    expect(await csvRows(alice, { range: "30d", user: bob.email })).toHaveLength(80);
  });

  it("writes every column, ISO timestamps, and neutralises spreadsheet formulas", async () => {
    const rows = await csvRows(alice, { range: "30d", requestId: exportId(5) });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(Object.keys(row)).toEqual([...CSV_COLUMNS]);
    expect(row.userAgent).toBe('\'=HYPERLINK("http://evil")');
    expect(row.timestamp).toBe(new Date(NOW.getTime() - 60_000 - 2 * 3_600_000).toISOString());
    expect(row.status).toBe("429");
  });

  it("rejects bad filters with the field named", async () => {
    await expect(exportLogsCsv(alice, { range: "2w" })).rejects.toMatchObject({
      code: "validation_failed",
      message: expect.stringContaining("query.range"),
    });
  });

  it("streams: reads one batch per chunk asked for, and stops reading when the consumer cancels", async () => {
    let reads = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        if (args.node.kind === "SelectQueryNode") reads++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const logDb = services().logDb;
    const restore = overrideServices({
      logDb: () => Object.assign(Object.create(logDb) as typeof logDb, { kysely: logDb.kysely.withPlugin(counting) }),
    });
    try {
      const stream = await exportLogsCsv(alice, { range: "30d" }, { now: NOW, rowsPerChunk: 10 });
      const reader = stream.getReader();
      const decoder = new TextDecoder();
      expect(decoder.decode((await reader.read()).value)).toBe(`${CSV_COLUMNS.join(",")}\n`);
      const first = decoder.decode((await reader.read()).value);
      expect(first.trim().split("\n")).toHaveLength(10);
      // The stream reads ahead by at most one batch (its high-water mark), never the whole 80-row result.
      expect(reads).toBeGreaterThanOrEqual(1);
      expect(reads).toBeLessThanOrEqual(2);
      const second = decoder.decode((await reader.read()).value);
      expect(second.trim().split("\n")).toHaveLength(10);
      expect(second).not.toBe(first);
      const afterTwo = reads;
      expect(afterTwo).toBeLessThanOrEqual(3);
      await reader.cancel();
      await new Promise((r) => setTimeout(r, 20));
      expect(reads).toBe(afterTwo);
    } finally {
      restore();
    }
  });

  it("in chunks of any size, delivers every row once, in the log view's order", async () => {
    const whole = (await csvRows(alice, { range: "30d" })).map((r) => r.requestId);
    for (const rowsPerChunk of [1, 7, 80, 1000]) {
      const stream = await exportLogsCsv(alice, { range: "30d" }, { now: NOW, rowsPerChunk });
      const text = await new Response(stream).text();
      const ids = (parse(text, { columns: true }) as { requestId: string }[]).map((r) => r.requestId);
      expect(ids).toEqual(whole);
    }
    const capped = await exportLogsCsv(alice, { range: "30d" }, { now: NOW, rowsPerChunk: 7, maxRows: 20 });
    const ids = (parse(await new Response(capped).text(), { columns: true }) as { requestId: string }[]).map(
      (r) => r.requestId,
    );
    expect(ids).toEqual(whole.slice(0, 20));
  });
});
