import { describe, expect, it, test } from "vitest";
import { GET as listRoute, POST as createRoute } from "./route";
import { GET as getRoute } from "./[id]/route";
import { POST as withdrawRoute } from "./[id]/withdraw/route";
import { call, credsOf, expectErrorBody, makeItem, makeKey, makeUser } from "@/test/fixtures";
import { db } from "@/lib/db";

const bot = async () => credsOf(await makeKey(await makeUser(), { scopes: ["offers:read", "offers:write"] }));

describe("POST /api/v1/offers errors", () => {
  test.each([
    ["negative amount", { amountCents: -5 }, "amountCents", "expected a positive integer (cents)"],
    ["fractional amount", { amountCents: 10.5 }, "amountCents", "expected a positive integer (cents)"],
    ["amount as a string", { amountCents: "100" }, "amountCents", "expected a positive integer (cents)"],
    ["unknown currency", { currency: "JPY" }, "currency", "expected one of USD, EUR, GBP"],
    ["note too long", { note: "n".repeat(501) }, "note", "at most 500 characters"],
  ])("%s -> 400 naming %s", async (_label, patch, field, message) => {
    const creds = await bot();
    const item = await makeItem();
    const before = await db().offer.count();
    const res = await call(createRoute, {
      method: "POST",
      path: "/api/v1/offers",
      key: creds,
      body: { inventoryItemId: item.id, amountCents: 100, currency: "USD", ...patch },
    });
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message: `${field}: ${message}`,
      details: { issues: [{ field, message }] },
    });
    expect(await db().offer.count()).toBe(before);
  });

  it("a missing inventoryItemId -> 400", async () => {
    const res = await call(createRoute, {
      method: "POST",
      path: "/api/v1/offers",
      key: await bot(),
      body: { amountCents: 100, currency: "USD" },
    });
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message: "inventoryItemId: is required",
      details: { issues: [{ field: "inventoryItemId", message: "is required" }] },
    });
  });

  it("an unknown inventory item -> 404 naming the field", async () => {
    const res = await call(createRoute, {
      method: "POST",
      path: "/api/v1/offers",
      key: await bot(),
      body: { inventoryItemId: "nope", amountCents: 100, currency: "USD" },
    });
    expectErrorBody(res, {
      status: 404,
      code: "not_found",
      message: 'No inventory item with id "nope".',
      details: { issues: [{ field: "inventoryItemId", message: "no such inventory item" }] },
    });
  });

  it("malformed JSON -> 400", async () => {
    const res = await call(createRoute, {
      method: "POST",
      path: "/api/v1/offers",
      key: await bot(),
      body: "{not json",
    });
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message: "The body is not valid JSON.",
      details: { issues: [{ field: "(body)", message: "not valid JSON" }] },
    });
  });

  it("a body that is not JSON -> 415", async () => {
    const res = await call(createRoute, {
      method: "POST",
      path: "/api/v1/offers",
      key: await bot(),
      body: "amountCents=100",
      headers: { "content-type": "text/plain" },
    });
    expectErrorBody(res, {
      status: 415,
      code: "unsupported_media_type",
      message: "Send the body as JSON with Content-Type: application/json.",
    });
  });

  it("an Idempotency-Key with spaces -> 400", async () => {
    const item = await makeItem();
    const res = await call(createRoute, {
      method: "POST",
      path: "/api/v1/offers",
      key: await bot(),
      body: { inventoryItemId: item.id, amountCents: 100, currency: "USD" },
      headers: { "idempotency-key": "two words" },
    });
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message: "headers.Idempotency-Key: printable ASCII without spaces",
      details: { issues: [{ field: "headers.Idempotency-Key", message: "printable ASCII without spaces" }] },
    });
  });
});

describe("GET /api/v1/offers errors", () => {
  it("a bad status filter -> 400", async () => {
    const res = await call(listRoute, { path: "/api/v1/offers?status=accepted", key: await bot() });
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message: "query.status: expected pending or withdrawn",
      details: { issues: [{ field: "query.status", message: "expected pending or withdrawn" }] },
    });
  });

  test.each([
    ["GET", getRoute, ""],
    ["POST", withdrawRoute, "/withdraw"],
  ] as const)("%s an unknown offer%s -> 404", async (method, route, suffix) => {
    const res = await call(route, {
      method,
      path: `/api/v1/offers/missing${suffix}`,
      key: await bot(),
      params: { id: "missing" },
    });
    expectErrorBody(res, { status: 404, code: "not_found", message: 'No offer with id "missing".' });
  });
});
