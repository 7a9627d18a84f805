import { describe, expect, it } from "vitest";
import { POST as createPartnerRoute } from "./route";
import { GET as getPartnerRoute, PATCH as updatePartnerRoute } from "./[id]/route";
import { POST as createKeyRoute } from "../keys/route";
import { call, credsOf, expectErrorBody, keyTableCounts, makeKey, makeUser } from "@/test/fixtures";
import { db } from "@/lib/db";

const automation = async () => {
  const owner = await makeUser();
  const admin = await makeKey(owner, { scopes: ["inventory:read", "keys:read", "keys:write"] });
  return { owner, creds: credsOf(admin) };
};

describe("partners API (errors)", () => {
  it("a second partner of the same name is a conflict (409)", async () => {
    const { creds } = await automation();
    const body = { name: "Acme" };
    expect(
      (await call(createPartnerRoute, { method: "POST", path: "/api/v1/partners", key: creds, body })).status,
    ).toBe(201);
    const again = await call(createPartnerRoute, { method: "POST", path: "/api/v1/partners", key: creds, body });
    expectErrorBody(again, { status: 409, code: "conflict", message: 'A partner named "Acme" already exists.' });
  });

  it("refuses a bad body with every field's problem (400)", async () => {
    const { creds } = await automation();
    const res = await call(createPartnerRoute, {
      method: "POST",
      path: "/api/v1/partners",
      key: creds,
      body: { name: "", contactEmail: "not-an-email", extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body!.error.code).toBe("validation_failed");
    expect(res.body!.error.details.issues).toEqual(
      expect.arrayContaining([
        { field: "name", message: "is required" },
        { field: "contactEmail", message: "expected an email address" },
      ]),
    );
  });

  it("an unknown partner is 404 on read and change", async () => {
    const { creds } = await automation();
    const get = await call(getPartnerRoute, { path: "/api/v1/partners/nope", key: creds, params: { id: "nope" } });
    expectErrorBody(get, { status: 404, code: "not_found", message: 'No partner with id "nope".' });
    const patch = await call(updatePartnerRoute, {
      method: "PATCH",
      path: "/api/v1/partners/nope",
      key: creds,
      params: { id: "nope" },
      body: { notes: "x" },
    });
    expectErrorBody(patch, { status: 404, code: "not_found", message: 'No partner with id "nope".' });
  });

  it("a key for an unknown partnerId is 404 and nothing is written; partnerId and a name together are refused", async () => {
    const { creds } = await automation();
    const before = await keyTableCounts();
    const res = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: { name: "k", scopes: ["inventory:read"], partnerId: "nope" },
    });
    expectErrorBody(res, { status: 404, code: "not_found", message: 'No partner with id "nope".' });
    const both = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: { name: "k", scopes: ["inventory:read"], partnerId: "p1", partner: "Never Created" },
    });
    expectErrorBody(both, {
      status: 400,
      code: "validation_failed",
      message: "partner: send partnerId or a partner name, not both",
      details: { issues: [{ field: "partner", message: "send partnerId or a partner name, not both" }] },
    });
    expect(await keyTableCounts()).toEqual(before);
    expect(await db().partner.count({ where: { name: "Never Created" } })).toBe(0);
  });
});
