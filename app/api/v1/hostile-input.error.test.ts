import { beforeAll, describe, expect, it, test } from "vitest";
import * as logs from "./logs/route";
import * as keys from "./keys/route";
import * as key from "./keys/[keyId]/route";
import * as offers from "./offers/route";
import * as offer from "./offers/[id]/route";
import { call, credsOf, expectErrorBody, keyTableCounts, makeItem, makeKey, makeUser } from "@/test/fixtures";
import { SCOPES } from "@/lib/scopes";
import { db } from "@/lib/db";
import { services } from "@/lib/services";
import { REDACTED_SECRET } from "@/lib/security/redact-secrets";

/**
 * Input an attacker (or a fuzzer) sends, each of which answered 500 before issue #11: out-of-range dates and
 * cursors reached Prisma, lone UTF-16 surrogates broke its engine, a year past 9999 could not be stored. Each
 * is now a 4xx in the error body, or a bounded answer; and a secret sent anywhere is neither stored nor echoed.
 */

let creds: { keyId: string; secret: string };
let itemId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  const owner = await makeUser();
  creds = credsOf(await makeKey(owner, { scopes: [...SCOPES] }));
  itemId = (await makeItem()).id;
});

const getLogs = (query: string) => call(logs.GET, { path: `/api/v1/logs?${query}`, key: creds });

describe("GET /api/v1/logs bounds every time range to the retention window", () => {
  test.each([
    ["from=0000-01-01T00:00:00Z"],
    ["from=-271821-04-20T00:00:00Z"],
    ["from=-271821-04-20T00:00:00Z&to=%2B275760-09-13T00:00:00Z"],
    ["to=%2B275760-09-13T00:00:00Z&from=2020-01-01T00:00:00Z"],
  ])("%s -> 200 with the range clamped and said so", async (query) => {
    const before = Date.now();
    const res = await getLogs(query);
    expect(res.status).toBe(200);
    const range = res.body!.range as { from: string; to: string; clamped: boolean };
    expect(range.clamped).toBe(true);
    const retention = Math.max(services().env.KEYWARD_LOG_RETENTION_DAYS, services().env.KEYWARD_ROLLUP_RETENTION_DAYS);
    expect(Date.parse(range.from)).toBeGreaterThanOrEqual(before - retention * DAY - 1);
    expect(Date.parse(range.to)).toBeLessThanOrEqual(Date.now());
  });

  it("a range inside the window is not clamped", async () => {
    const res = await getLogs("range=24h");
    expect(res.status).toBe(200);
    expect(res.body!.range.clamped).toBe(false);
  });

  test.each([
    ["1e20", "1e20:x"],
    ["past the last Date", "8640000000000001:x"],
    ["before the first Date", "-8640000000000001:x"],
    ["a fraction", "1.5:x"],
    ["hex", "0x10:x"],
    ["no colon", "12345"],
  ])("a cursor holding %s -> 400, not a 500 from the database", async (_label, text) => {
    const res = await getLogs(`cursor=${Buffer.from(text).toString("base64url")}`);
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message: "query.cursor: not a cursor this API returned",
      details: { issues: [{ field: "query.cursor", message: "not a cursor this API returned" }] },
    });
  });
});

describe("dates past what the database holds", () => {
  test.each([["+010000-01-01T00:00:00Z"], ["+275760-09-13T00:00:00Z"]])(
    "expiresAt %s -> 400, nothing written",
    async (expiresAt) => {
      const before = await keyTableCounts();
      const res = await call(keys.POST, {
        method: "POST",
        path: "/api/v1/keys",
        key: creds,
        body: { name: "k", expiresAt },
      });
      expectErrorBody(res, {
        status: 400,
        code: "validation_failed",
        message: "expiresAt: must be on or before 9999-12-31T23:59:59.999Z",
        details: { issues: [{ field: "expiresAt", message: "must be on or before 9999-12-31T23:59:59.999Z" }] },
      });
      expect(await keyTableCounts()).toEqual(before);
    },
  );

  it("the last millisecond of 9999 is accepted", async () => {
    const res = await call(keys.POST, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: { name: "long-lived", expiresAt: "9999-12-31T23:59:59.999Z" },
    });
    expect(res.status).toBe(201);
    expect(res.body!.key.expiresAt).toBe("9999-12-31T23:59:59.999Z");
  });
});

const SURROGATE = "contains a lone UTF-16 surrogate (\\ud800-\\udfff outside a pair)";

describe("lone UTF-16 surrogates in JSON", () => {
  test.each([
    ["a key name", keys.POST, "/api/v1/keys", '{"name":"\\ud800"}', "name"],
    ["a trailing low surrogate", keys.POST, "/api/v1/keys", '{"name":"ok\\udfff"}', "name"],
    ["a list item", keys.POST, "/api/v1/keys", '{"name":"k","ipAllowlist":["\\udc00"]}', "ipAllowlist.0"],
    ["an object key", keys.POST, "/api/v1/keys", '{"name":"k","\\ud800":1}', "(body)"],
  ])("in %s -> 400 naming the field, nothing written", async (_label, handler, path, raw, field) => {
    const before = await keyTableCounts();
    const res = await call(handler, { method: "POST", path, key: creds, body: raw });
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message: `${field}: ${SURROGATE}`,
      details: { issues: [{ field, message: SURROGATE }] },
    });
    expect(await keyTableCounts()).toEqual(before);
  });

  it("in an offer's note -> 400, no offer", async () => {
    const before = await db().offer.count();
    const res = await call(offers.POST, {
      method: "POST",
      path: "/api/v1/offers",
      key: creds,
      body: `{"inventoryItemId":"${itemId}","amountCents":100,"currency":"USD","note":"\\udc00"}`,
    });
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message: `note: ${SURROGATE}`,
      details: { issues: [{ field: "note", message: SURROGATE }] },
    });
    expect(await db().offer.count()).toBe(before);
  });

  it("a well-formed pair (an emoji) is fine", async () => {
    const res = await call(keys.POST, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: '{"name":"k \\ud83d\\udc4d"}',
    });
    expect(res.status).toBe(201);
    expect(res.body!.key.name).toBe("k 👍");
  });
});

describe("a secret sent anywhere is never stored, logged or echoed", () => {
  const SECRET_FIELD =
    "contains a Keyward API secret; secrets go only in X-API-Secret (or HTTP Basic), never in a field";

  test.each([
    ["a key name", { name: "SECRET" }, "name"],
    ["a description", { name: "k", description: "my secret is SECRET" }, "description"],
  ])("in %s -> 400 without the secret in the answer", async (_label, body, field) => {
    const before = await keyTableCounts();
    const text = JSON.stringify(body).replace("SECRET", creds.secret);
    const res = await call(keys.POST, { method: "POST", path: "/api/v1/keys", key: creds, body: text });
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message: `${field}: ${SECRET_FIELD}`,
      details: { issues: [{ field, message: SECRET_FIELD }] },
    });
    expect(JSON.stringify(res.body)).not.toContain(creds.secret);
    expect(await keyTableCounts()).toEqual(before);
  });

  it("in a filter -> 400", async () => {
    const res = await getLogs(`requestId=${creds.secret}`);
    expect(res.status).toBe(400);
    expect(res.body!.error.details.issues).toEqual([{ field: "query.requestId", message: SECRET_FIELD }]);
  });

  it("in the path and the user agent: refused, and the log keeps neither", async () => {
    const res = await call(offer.GET, {
      path: `/api/v1/offers/${creds.secret}`,
      params: { id: creds.secret },
      key: creds,
      headers: { "user-agent": `integration/1.0 (${creds.secret})` },
    });
    expect(res.status).toBe(400);
    expect(res.body!.error.details.issues).toEqual([{ field: "path.id", message: SECRET_FIELD }]);
    await services().logWriter.flush();
    const row = await db().requestLog.findFirstOrThrow({ where: { requestId: res.headers.get("x-request-id")! } });
    expect(row.path).toBe(`/api/v1/offers/${REDACTED_SECRET}`);
    expect(row.userAgent).toBe(`integration/1.0 (${REDACTED_SECRET})`);
  });

  it("a key id that is not well formed answers 404 (and never echoes a secret)", async () => {
    const res = await call(key.GET, { path: "/api/v1/keys/%25FF", params: { keyId: "%FF" }, key: creds });
    expectErrorBody(res, { status: 404, code: "not_found", message: 'No API key with id "%FF".' });
  });
});
