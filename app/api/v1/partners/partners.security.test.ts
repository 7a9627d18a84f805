import { describe, expect, it, test } from "vitest";
import { GET as listPartnersRoute, POST as createPartnerRoute } from "./route";
import { GET as getPartnerRoute, PATCH as updatePartnerRoute } from "./[id]/route";
import { POST as createKeyRoute } from "../keys/route";
import { call, credsOf, expectErrorBody, makeKey, makeUser } from "@/test/fixtures";
import { createPartner } from "@/lib/partners/create-partner";
import { revokePartnerKeys } from "@/lib/partners/partner-key-actions";
import { rejectionOf } from "@/test/fixtures";
import type { Scope } from "@/lib/scopes";

describe("partners API (security)", () => {
  test.each([
    ["GET /api/v1/partners", "keys:read", listPartnersRoute, "GET", ["inventory:read", "keys:write"]],
    ["POST /api/v1/partners", "keys:write", createPartnerRoute, "POST", ["keys:read"]],
  ] as const)("%s needs %s", async (_name, scope, route, method, held) => {
    const owner = await makeUser();
    const key = await makeKey(owner, { scopes: [...held] as Scope[] });
    const res = await call(route, {
      method,
      path: "/api/v1/partners",
      key: credsOf(key),
      ...(method === "POST" ? { body: { name: "x" } } : {}),
    });
    expect(res.status).toBe(403);
    expect(res.body!.error).toMatchObject({ code: "insufficient_scope", details: { requiredScope: scope } });
  });

  it("another owner's partner is not found (never forbidden), in reads, changes and key creation", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const secret = await createPartner(alice, { name: "Alice's partner" });
    const bobKey = credsOf(await makeKey(bob, { scopes: ["keys:read", "keys:write", "inventory:read"] }));
    const notFound = { status: 404, code: "not_found", message: `No partner with id "${secret.id}".` };
    const params = { id: secret.id };
    expectErrorBody(await call(getPartnerRoute, { path: "/api/v1/partners/x", key: bobKey, params }), notFound);
    expectErrorBody(
      await call(updatePartnerRoute, {
        method: "PATCH",
        path: "/api/v1/partners/x",
        key: bobKey,
        params,
        body: { name: "mine" },
      }),
      notFound,
    );
    expectErrorBody(
      await call(createKeyRoute, {
        method: "POST",
        path: "/api/v1/keys",
        key: bobKey,
        body: { name: "k", scopes: ["inventory:read"], partnerId: secret.id },
      }),
      notFound,
    );
    const list = await call(listPartnersRoute, { path: "/api/v1/partners", key: bobKey });
    expect(list.body!.data).toEqual([]);
    expect((await rejectionOf(revokePartnerKeys(bob, secret.id, { reason: "x" }))).code).toBe("not_found");
  });

  it("support staff read any partner but cannot change another user's", async () => {
    const alice = await makeUser();
    const support = await makeUser("support");
    const partner = await createPartner(alice, { name: "Acme" });
    const { listPartners } = await import("@/lib/partners/list-partners");
    const { updatePartner } = await import("@/lib/partners/update-partner");
    const seen = await listPartners(support, { limit: 200 });
    expect(seen.data.find((p) => p.id === partner.id)?.ownerEmail).toBe(alice.email);
    const err = await rejectionOf(updatePartner(support, partner.id, { notes: "x" }));
    expect(err).toMatchObject({ code: "forbidden" });
  });
});
