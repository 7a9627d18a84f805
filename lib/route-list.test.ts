import { describe, expect, it, test } from "vitest";
import { ROUTE_LIST, endpointsForScopes } from "./route-list";
import { SCOPES } from "./scopes";

describe("endpointsForScopes", () => {
  it("is empty for no scopes and for unknown scopes", () => {
    expect(endpointsForScopes([])).toEqual([]);
    expect(endpointsForScopes(["offers:admin"])).toEqual([]);
  });

  test.each([
    [["inventory:read"], ["GET /api/v1/inventory", "GET /api/v1/inventory/{id}"]],
    [["offers:write"], ["POST /api/v1/offers", "POST /api/v1/offers/{id}/withdraw"]],
    [["logs:read"], ["GET /api/v1/logs"]],
    [
      ["keys:write"],
      [
        "POST /api/v1/keys",
        "PATCH /api/v1/keys/{keyId}",
        "POST /api/v1/keys/{keyId}/rotate",
        "POST /api/v1/keys/{keyId}/end-grace",
        "POST /api/v1/keys/{keyId}/revoke",
        "POST /api/v1/keys/{keyId}/suspend",
        "POST /api/v1/keys/{keyId}/resume",
        "POST /api/v1/webhooks",
        "PATCH /api/v1/webhooks/{id}",
        "DELETE /api/v1/webhooks/{id}",
        "POST /api/v1/webhooks/{id}/rotate-secret",
        "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
        "POST /api/v1/partners",
        "PATCH /api/v1/partners/{id}",
      ],
    ],
  ])("%j allows exactly %j", (scopes, expected) => {
    const got = endpointsForScopes(scopes).map((e) => `${e.method} ${e.path}`);
    expect(got.sort()).toEqual([...expected].sort());
  });

  it("for a scope set is the union of its scopes' endpoints, each with the scope that allows it", () => {
    const scopes = ["inventory:read", "offers:read", "offers:write"];
    const union = scopes.flatMap((s) => endpointsForScopes([s]));
    const together = endpointsForScopes(scopes);
    expect(together).toHaveLength(union.length);
    expect(new Set(together.map((e) => `${e.method} ${e.path}`))).toEqual(
      new Set(union.map((e) => `${e.method} ${e.path}`)),
    );
    for (const e of together) expect(scopes).toContain(e.scope);
  });

  it("for every scope in the catalog covers every route", () => {
    expect(endpointsForScopes(SCOPES)).toHaveLength(Object.keys(ROUTE_LIST).length);
  });
});
