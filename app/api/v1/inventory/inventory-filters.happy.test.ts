import { beforeAll, describe, expect, it, test } from "vitest";
import { GET as listRoute } from "./route";
import { GET as getRoute } from "./[id]/route";
import { call, credsOf, makeItem, makeKey, makeUser } from "@/test/fixtures";

let creds: { keyId: string; secret: string };
const items: Record<string, string> = {};

beforeAll(async () => {
  creds = credsOf(await makeKey(await makeUser(), { scopes: ["inventory:read"] }));
  const rows = {
    apple14A: { brand: "Apple", model: "iPhone 14", condition: "A", priceCents: 60_000 },
    apple14B: { brand: "Apple", model: "iPhone 14 Pro", condition: "B", priceCents: 45_000 },
    apple12C: { brand: "Apple", model: "iPhone 12", condition: "C", priceCents: 20_000, status: "sold" },
    samsungA: { brand: "Samsung", model: "Galaxy S23", condition: "A", priceCents: 50_000 },
    samsungD: { brand: "Samsung", model: "Galaxy A54", condition: "D", priceCents: 9_900, status: "reserved" },
    pixelB: { brand: "Google", model: "Pixel 8", condition: "B", priceCents: 30_000 },
  };
  for (const [name, data] of Object.entries(rows)) items[name] = (await makeItem(data)).id;
});

async function ids(query: string) {
  const res = await call(listRoute, { path: `/api/v1/inventory${query}`, key: creds });
  expect(res.status).toBe(200);
  return (res.body!.data as { id: string }[]).map((i) => i.id).sort();
}
const named = (...names: string[]) => names.map((n) => items[n]!).sort();

describe("GET /api/v1/inventory filters (happy)", () => {
  test.each([
    ["", ["apple14A", "apple14B", "apple12C", "samsungA", "samsungD", "pixelB"]],
    ["?brand=Apple", ["apple14A", "apple14B", "apple12C"]],
    ["?brand=Samsung&condition=A", ["samsungA"]],
    ["?condition=B", ["apple14B", "pixelB"]],
    ["?model=iPhone%2014", ["apple14A", "apple14B"]],
    ["?model=iphone%2014%20PRO", ["apple14B"]],
    ["?model=pixel", ["pixelB"]],
    ["?minPriceCents=30000", ["apple14A", "apple14B", "samsungA", "pixelB"]],
    ["?maxPriceCents=30000", ["apple12C", "samsungD", "pixelB"]],
    ["?minPriceCents=30000&maxPriceCents=50000", ["apple14B", "samsungA", "pixelB"]],
    ["?minPriceCents=45000&maxPriceCents=45000", ["apple14B"]],
    ["?status=sold", ["apple12C"]],
    ["?brand=Apple&status=available&maxPriceCents=50000", ["apple14B"]],
    ["?brand=Nokia", []],
  ])("%s -> %j", async (query, expected) => {
    expect(await ids(query)).toEqual(named(...expected));
  });

  // SQLite's `=` is case-sensitive; the documented filter is not.
  it("brand matches case-insensitively, as documented", async () => {
    expect(await ids("?brand=apple")).toEqual(await ids("?brand=Apple"));
  });

  it("pages with limit and cursor, in id order, every item exactly once, filters kept across pages", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call(listRoute, {
        path: `/api/v1/inventory?brand=Apple&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        key: creds,
      });
      expect(res.status).toBe(200);
      expect(res.body!.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body!.data.map((i: { id: string }) => i.id));
      cursor = res.body!.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(named("apple14A", "apple14B", "apple12C"));
    expect(seen).toEqual([...seen].sort());
  });

  it("returns the item fields (and GET /api/v1/inventory/{id} returns the same item)", async () => {
    const list = await call(listRoute, { path: "/api/v1/inventory?brand=Google", key: creds });
    expect(list.body).toEqual({
      data: [
        {
          id: items.pixelB,
          brand: "Google",
          model: "Pixel 8",
          storageGb: 128,
          condition: "B",
          priceCents: 30_000,
          currency: "USD",
          status: "available",
          updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      ],
      nextCursor: null,
    });
    const one = await call(getRoute, {
      path: `/api/v1/inventory/${items.pixelB}`,
      key: creds,
      params: { id: items.pixelB! },
    });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ data: list.body!.data[0] });
  });
});
