import { describe, expect, it } from "vitest";
import { GET as listRoute, POST as createRoute } from "./route";
import { GET as getRoute } from "./[id]/route";
import { POST as withdrawRoute } from "./[id]/withdraw/route";
import { call, credsOf, expectErrorBody, makeItem, makeKey, makeUser } from "@/test/fixtures";
import { db } from "@/lib/db";

const bot = async (environment: "live" | "test" = "live") =>
  makeKey(await makeUser(), { scopes: ["inventory:read", "offers:read", "offers:write"], environment });

const create = (creds: { keyId: string; secret: string }, body: unknown, headers: Record<string, string> = {}) =>
  call(createRoute, { method: "POST", path: "/api/v1/offers", key: creds, body, headers });

describe("offers (happy)", () => {
  it("create 201, list, get, withdraw", async () => {
    const made = await bot();
    const item = await makeItem();
    const created = await create(credsOf(made), {
      inventoryItemId: item.id,
      amountCents: 41_500,
      currency: "EUR",
      note: " quick sale ",
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("idempotent-replayed")).toBeNull();
    const offer = created.body!.data;
    expect(offer).toEqual({
      id: expect.any(String),
      inventoryItemId: item.id,
      amountCents: 41_500,
      currency: "EUR",
      note: "quick sale",
      status: "pending",
      environment: "live",
      keyId: made.key.keyId,
      createdAt: expect.stringMatching(/^\d{4}-/),
      withdrawnAt: null,
    });

    const list = await call(listRoute, { path: "/api/v1/offers", key: credsOf(made) });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [offer], nextCursor: null });

    const got = await call(getRoute, {
      path: `/api/v1/offers/${offer.id}`,
      key: credsOf(made),
      params: { id: offer.id },
    });
    expect(got.body).toEqual({ data: offer });

    const withdrawn = await call(withdrawRoute, {
      method: "POST",
      path: `/api/v1/offers/${offer.id}/withdraw`,
      key: credsOf(made),
      params: { id: offer.id },
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body!.data).toEqual({
      ...offer,
      status: "withdrawn",
      withdrawnAt: expect.stringMatching(/^\d{4}-/),
    });

    const again = await call(withdrawRoute, {
      method: "POST",
      path: `/api/v1/offers/${offer.id}/withdraw`,
      key: credsOf(made),
      params: { id: offer.id },
    });
    expectErrorBody(again, {
      status: 409,
      code: "conflict",
      message: `Offer ${offer.id} is withdrawn; only a pending offer can be withdrawn.`,
    });

    const pending = await call(listRoute, { path: "/api/v1/offers?status=pending", key: credsOf(made) });
    expect(pending.body!.data).toEqual([]);
  });

  it("lists with a cursor: every offer once, newest first", async () => {
    const made = await bot();
    const item = await makeItem();
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++)
      ids.push(
        (await create(credsOf(made), { inventoryItemId: item.id, amountCents: i * 100, currency: "USD" })).body!.data
          .id,
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(listRoute, {
        path: `/api/v1/offers?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        key: credsOf(made),
      });
      seen.push(...res.body!.data.map((o: { id: string }) => o.id));
      cursor = res.body!.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it("an Idempotency-Key replay returns the same offer with 200, and creates nothing", async () => {
    const made = await bot();
    const item = await makeItem();
    const body = { inventoryItemId: item.id, amountCents: 30_000, currency: "USD" };
    const first = await create(credsOf(made), body, { "idempotency-key": "order-42" });
    const replay = await create(credsOf(made), body, { "idempotency-key": "order-42" });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    expect(await db().offer.count({ where: { keyId: made.key.keyId } })).toBe(1);
  });

  it("the same Idempotency-Key with a different body is 409 idempotency_conflict", async () => {
    const made = await bot();
    const item = await makeItem();
    await create(
      credsOf(made),
      { inventoryItemId: item.id, amountCents: 30_000, currency: "USD" },
      { "idempotency-key": "order-43" },
    );
    const res = await create(
      credsOf(made),
      { inventoryItemId: item.id, amountCents: 31_000, currency: "USD" },
      { "idempotency-key": "order-43" },
    );
    expectErrorBody(res, {
      status: 409,
      code: "idempotency_conflict",
      message: "This Idempotency-Key was already used with a different request body. Use a new key for a new offer.",
    });
    expect(await db().offer.count({ where: { keyId: made.key.keyId } })).toBe(1);
  });

  it("an offer on a sold (or reserved) item is 409 item_unavailable", async () => {
    const made = await bot();
    for (const status of ["sold", "reserved"]) {
      const item = await makeItem({ status });
      const res = await create(credsOf(made), { inventoryItemId: item.id, amountCents: 100, currency: "USD" });
      expectErrorBody(res, {
        status: 409,
        code: "item_unavailable",
        message: `Inventory item ${item.id} is ${status} and no longer takes offers.`,
      });
    }
    expect(await db().offer.count({ where: { keyId: made.key.keyId } })).toBe(0);
  });
});
