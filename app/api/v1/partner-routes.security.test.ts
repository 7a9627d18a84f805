import { beforeAll, describe, expect, it, test } from "vitest";
import * as inventory from "./inventory/route";
import * as inventoryItem from "./inventory/[id]/route";
import * as offers from "./offers/route";
import * as offer from "./offers/[id]/route";
import * as withdraw from "./offers/[id]/withdraw/route";
import * as logs from "./logs/route";
import { call, credsOf, expectErrorBody, makeItem, makeKey, makeUser, type UserActor } from "@/test/fixtures";
import { ALL_API_ROUTES, type ApiRoute } from "@/lib/api-routes";
import { SCOPE_TEMPLATES, type Scope } from "@/lib/scopes";
import { db } from "@/lib/db";

type Handler = Parameters<typeof call>[0];
const HANDLERS: Record<string, Handler> = {
  listInventory: inventory.GET,
  getInventoryItem: inventoryItem.GET,
  listOffers: offers.GET,
  createOffer: offers.POST,
  getOffer: offer.GET,
  withdrawOffer: withdraw.POST,
  listLogs: logs.GET,
};
const PARTNER_ROUTES = ALL_API_ROUTES.filter((r) => r.auth === "key");

let owner: UserActor;
let itemId: string;

beforeAll(async () => {
  owner = await makeUser();
  itemId = (await makeItem()).id;
});

function requestFor(route: ApiRoute): Parameters<typeof call>[1] {
  const path = route.path.replace("{id}", route.tag === "Offers" ? "offer-id" : itemId);
  return {
    method: route.method,
    path,
    params: route.path.includes("{id}") ? { id: route.tag === "Offers" ? "offer-id" : itemId } : {},
    body:
      route.method === "POST" && !route.path.includes("{id}")
        ? { inventoryItemId: itemId, amountCents: 100, currency: "USD" }
        : undefined,
  };
}

describe("the partner routes in this table are all of the catalog's key-only routes", () => {
  it("has a handler for each", () => {
    expect(PARTNER_ROUTES.map((r) => r.operationId).sort()).toEqual(Object.keys(HANDLERS).sort());
  });
});

describe("refused scope sets (named cases)", () => {
  test.each([
    ["Data feed [inventory:read]", ["inventory:read"], "createOffer"],
    ["Data feed [inventory:read]", ["inventory:read"], "listLogs"],
    ["Data feed [inventory:read]", ["inventory:read"], "listOffers"],
    ["Reporting [logs:read]", ["logs:read"], "listInventory"],
    ["Reporting [logs:read]", ["logs:read"], "withdrawOffer"],
    ["read-only offers [offers:read]", ["offers:read"], "createOffer"],
    ["read-only offers [offers:read]", ["offers:read"], "withdrawOffer"],
    ["write-only offers [offers:write]", ["offers:write"], "getOffer"],
    ["key automation [keys:read, keys:write]", ["keys:read", "keys:write"], "listInventory"],
    ["key automation [keys:read, keys:write]", ["keys:read", "keys:write"], "createOffer"],
    ["no scopes", [], "getInventoryItem"],
  ] as [string, Scope[], string][])("%s is refused on %s", async (_label, scopes, operationId) => {
    const route = PARTNER_ROUTES.find((r) => r.operationId === operationId)!;
    const made = await makeKey(owner, { scopes });
    const offersBefore = await db().offer.count();
    const res = await call(HANDLERS[operationId]!, { ...requestFor(route), key: credsOf(made) });
    expectErrorBody(res, {
      status: 403,
      code: "insufficient_scope",
      message: `This key lacks the ${route.scope} scope needed for ${route.method} ${route.path}.`,
      details: { requiredScope: route.scope, grantedScopes: scopes },
    });
    expect(await db().offer.count()).toBe(offersBefore);
  });
});

describe("every template against every partner route", () => {
  const cases = SCOPE_TEMPLATES.flatMap((t) =>
    PARTNER_ROUTES.map(
      (r) => [t.id, r.operationId, (t.scopes as readonly string[]).includes(r.scope), t.scopes, r] as const,
    ),
  );

  test.each(cases)("template %s on %s: allowed=%s", async (_template, operationId, allowed, scopes, route) => {
    const made = await makeKey(owner, { scopes: [...scopes] });
    const res = await call(HANDLERS[operationId]!, { ...requestFor(route), key: credsOf(made) });
    if (allowed) {
      // Past the guard: the handler answers (a placeholder offer id is simply not found).
      expect(res.body?.error?.code).not.toBe("insufficient_scope");
      expect([200, 201, 404]).toContain(res.status);
    } else {
      expect(res.status).toBe(403);
      expect(res.body!.error.code).toBe("insufficient_scope");
    }
  });
});
