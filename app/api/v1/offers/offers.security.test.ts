import { describe, expect, it, test } from "vitest";
import { GET as listRoute, POST as createRoute } from "./route";
import { GET as getRoute } from "./[id]/route";
import { POST as withdrawRoute } from "./[id]/withdraw/route";
import { call, credsOf, expectErrorBody, makeItem, makeKey, makeUser } from "@/test/fixtures";
import { db } from "@/lib/db";

const FULL = ["inventory:read", "offers:read", "offers:write"] as const;

async function offerBy(creds: { keyId: string; secret: string }, headers: Record<string, string> = {}) {
  const item = await makeItem();
  const res = await call(createRoute, {
    method: "POST",
    path: "/api/v1/offers",
    key: creds,
    body: { inventoryItemId: item.id, amountCents: 100, currency: "USD" },
    headers,
  });
  expect(res.status).toBe(201);
  return res.body!.data as { id: string };
}

describe("offers are private to their owner", () => {
  test.each([
    ["GET /api/v1/offers/{id}", getRoute, "GET", ""],
    ["POST /api/v1/offers/{id}/withdraw", withdrawRoute, "POST", "/withdraw"],
  ] as const)("%s on another user's offer is 404, as if it did not exist", async (_label, route, method, suffix) => {
    const alice = credsOf(await makeKey(await makeUser(), { scopes: [...FULL] }));
    const mallory = credsOf(await makeKey(await makeUser(), { scopes: [...FULL] }));
    const offer = await offerBy(alice);
    const res = await call(route, {
      method,
      path: `/api/v1/offers/${offer.id}${suffix}`,
      key: mallory,
      params: { id: offer.id },
    });
    expectErrorBody(res, { status: 404, code: "not_found", message: `No offer with id "${offer.id}".` });
    expect((await db().offer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe("pending");
  });

  it("another user's offers are not in the list", async () => {
    const alice = credsOf(await makeKey(await makeUser(), { scopes: [...FULL] }));
    const mallory = credsOf(await makeKey(await makeUser(), { scopes: [...FULL] }));
    await offerBy(alice);
    expect((await call(listRoute, { path: "/api/v1/offers", key: mallory })).body!.data).toEqual([]);
  });

  it("a second key of the same owner sees the owner's offers", async () => {
    const owner = await makeUser();
    const a = credsOf(await makeKey(owner, { scopes: [...FULL] }));
    const b = credsOf(await makeKey(owner, { scopes: ["offers:read"] }));
    const offer = await offerBy(a);
    expect(
      (await call(getRoute, { path: `/api/v1/offers/${offer.id}`, key: b, params: { id: offer.id } })).status,
    ).toBe(200);
  });

  it("an Idempotency-Key used by another owner never replays their offer", async () => {
    const alice = credsOf(await makeKey(await makeUser(), { scopes: [...FULL] }));
    const mallory = credsOf(await makeKey(await makeUser(), { scopes: [...FULL] }));
    const alicesOffer = await offerBy(alice, { "idempotency-key": "shared-key" });
    const mallorysOffer = await offerBy(mallory, { "idempotency-key": "shared-key" });
    expect(mallorysOffer.id).not.toBe(alicesOffer.id);
  });
});

describe("test and live offers never mix", () => {
  it("a test key never sees live offers, and a live key never sees test offers (list, get, withdraw)", async () => {
    const owner = await makeUser();
    const live = credsOf(await makeKey(owner, { scopes: [...FULL], environment: "live" }));
    const test = credsOf(await makeKey(owner, { scopes: [...FULL], environment: "test" }));
    const liveOffer = await offerBy(live);
    const testOffer = await offerBy(test);
    expect((await db().offer.findUniqueOrThrow({ where: { id: testOffer.id } })).environment).toBe("test");

    const ids = async (creds: typeof live) =>
      (await call(listRoute, { path: "/api/v1/offers", key: creds })).body!.data.map((o: { id: string }) => o.id);
    expect(await ids(live)).toEqual([liveOffer.id]);
    expect(await ids(test)).toEqual([testOffer.id]);

    for (const [creds, other] of [
      [live, testOffer],
      [test, liveOffer],
    ] as const) {
      expect(
        (await call(getRoute, { path: `/api/v1/offers/${other.id}`, key: creds, params: { id: other.id } })).status,
      ).toBe(404);
      expect(
        (
          await call(withdrawRoute, {
            method: "POST",
            path: `/api/v1/offers/${other.id}/withdraw`,
            key: creds,
            params: { id: other.id },
          })
        ).status,
      ).toBe(404);
    }
  });

  it("the same Idempotency-Key in test and live creates two offers", async () => {
    const owner = await makeUser();
    const live = credsOf(await makeKey(owner, { scopes: [...FULL], environment: "live" }));
    const test = credsOf(await makeKey(owner, { scopes: [...FULL], environment: "test" }));
    const a = await offerBy(live, { "idempotency-key": "k1" });
    const b = await offerBy(test, { "idempotency-key": "k1" });
    expect(a.id).not.toBe(b.id);
  });
});
