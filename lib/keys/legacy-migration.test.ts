import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { services } from "@/lib/services";
import { importLegacyKeys } from "./import-keys";
import { parseImportJson } from "./import-file";
import { legacyKeysInUse, legacyMigration, replaceLegacyKey, scopesForEndpoints } from "./legacy-migration";
import { GET as listInventoryRoute } from "@/app/api/v1/inventory/route";
import { GET as listOffersRoute } from "@/app/api/v1/offers/route";
import { parseOrThrow } from "@/lib/errors";
import { logPageInput } from "@/lib/logs/log-query-input";
import { queryLogs } from "@/lib/logs/query-logs";
import { call, makeKey, makeUser, rejectionOf } from "@/test/fixtures";

describe("scopesForEndpoints", () => {
  it("maps used routes to the scopes they need, in catalog order, ignoring routes the catalog does not have", () => {
    expect(
      scopesForEndpoints([
        { method: "POST", route: "/api/v1/offers" },
        { method: "GET", route: "/api/v1/inventory/{id}" },
        { method: "GET", route: "/api/v1/inventory" },
        { method: "GET", route: "/api/v1/gone" },
      ]),
    ).toEqual(["inventory:read", "offers:write"]);
    expect(scopesForEndpoints([])).toEqual([]);
  });
});

describe("the migration assistant", () => {
  it("proposes exactly the scopes the legacy key used, replaces it for the same partner, and retires the legacy secret", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    await importLegacyKeys(
      { kind: "operator", label: "test" },
      parseImportJson({
        keys: [{ email: owner.email, keyId: "assist-key-0001", secret: "assist-secret-1", partner: "Acme" }],
      }),
    );
    const legacy = { "x-api-key": "assist-key-0001", "x-api-secret": "assist-secret-1" };
    for (let i = 0; i < 2; i++)
      expect((await call(listInventoryRoute, { path: "/api/v1/inventory", headers: legacy })).status).toBe(200);
    await services().logWriter.flush();

    const plan = await legacyMigration(owner, "assist-key-0001");
    expect(plan.proposedScopes).toEqual(["inventory:read"]);
    expect(plan.endpoints).toMatchObject([
      { method: "GET", route: "/api/v1/inventory", requests: 2, scope: "inventory:read" },
    ]);
    expect(plan.replacement).toBeNull();
    expect(await legacyKeysInUse(owner)).toMatchObject({ active: 1, inUse: 1 });
    // Another owner's legacy key does not exist for them.
    expect((await rejectionOf(legacyMigration(other, "assist-key-0001"))).code).toBe("not_found");

    const replaced = await replaceLegacyKey(owner, "assist-key-0001", { graceSeconds: 0 });
    expect(replaced.key).toMatchObject({ scopes: ["inventory:read"], partner: "Acme", legacy: false });
    const scoped = { "x-api-key": replaced.key.keyId, "x-api-secret": replaced.secret };
    expect((await call(listInventoryRoute, { path: "/api/v1/inventory", headers: scoped })).status).toBe(200);
    expect((await call(listOffersRoute, { path: "/api/v1/offers", headers: scoped })).status).toBe(403);
    // Grace 0: the legacy secret is refused at once.
    expect((await call(listInventoryRoute, { path: "/api/v1/inventory", headers: legacy })).status).toBe(401);

    const after = await legacyMigration(owner, "assist-key-0001");
    expect(after.replacement).toMatchObject({ keyId: replaced.key.keyId, requestsSince: 0 });
    expect(after.replacement!.advice.state).toBe("unused");
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { apiKey: { keyId: "assist-key-0001" }, action: "replaced" },
    });
    expect(JSON.parse(audit.changes)).toMatchObject({
      replacementKeyId: replaced.key.keyId,
      scopes: ["inventory:read"],
    });
    expect((await rejectionOf(replaceLegacyKey(owner, "assist-key-0001", { graceSeconds: 0 }))).code).toBe("conflict");
  });

  it("counts the legacy key's successful requests after its replacement, while its secret is in grace", async () => {
    const owner = await makeUser();
    // A legacy id may be up to 128 characters; the log keeps its first 64.
    const legacyId = `assist-key-${"3".repeat(100)}`;
    await importLegacyKeys(
      { kind: "operator", label: "test" },
      parseImportJson({ keys: [{ email: owner.email, keyId: legacyId, secret: "assist-secret-3" }] }),
    );
    const legacy = { "x-api-key": legacyId, "x-api-secret": "assist-secret-3" };
    expect((await call(listInventoryRoute, { path: "/api/v1/inventory", headers: legacy })).status).toBe(200);
    await services().logWriter.flush();
    await replaceLegacyKey(owner, legacyId, { graceSeconds: 3600 });
    // After the replacement: three successes with the legacy secret (still in grace) and one refusal.
    for (let i = 0; i < 3; i++)
      expect((await call(listInventoryRoute, { path: "/api/v1/inventory", headers: legacy })).status).toBe(200);
    const wrongSecret = { ...legacy, "x-api-secret": "not-the-secret" };
    expect((await call(listInventoryRoute, { path: "/api/v1/inventory", headers: wrongSecret })).status).toBe(401);
    await services().logWriter.flush();

    const after = await legacyMigration(owner, legacyId);
    expect(after.replacement).toMatchObject({ requestsSince: 3 });
    expect(after.replacement!.advice.state).toBe("in_use");
    // The log page finds the key's rows by the id the user knows, whole.
    const page = await queryLogs(owner, parseOrThrow(logPageInput, { range: "1h", keyId: legacyId }, "query"));
    expect(page.data).toHaveLength(5);
  });

  it("refuses to replace a key that is not legacy, or a legacy key with no traffic to learn from", async () => {
    const owner = await makeUser();
    await importLegacyKeys(
      { kind: "operator", label: "test" },
      parseImportJson({ keys: [{ email: owner.email, keyId: "assist-key-0002", secret: "assist-secret-2" }] }),
    );
    const quiet = await rejectionOf(replaceLegacyKey(owner, "assist-key-0002", { graceSeconds: 60 }));
    expect(quiet.code).toBe("conflict");
    expect(quiet.message).toMatch(/no successful request in the last 30 days/);
    expect(await db().apiKey.count({ where: { ownerId: owner.userId } })).toBe(1);
    const normal = await makeKey(owner, { scopes: ["inventory:read"] });
    const notLegacy = await rejectionOf(replaceLegacyKey(owner, normal.key.keyId, { graceSeconds: 60 }));
    expect(notLegacy).toMatchObject({ code: "conflict" });
    expect(notLegacy.message).toBe(`${normal.key.keyId} is not a legacy key; only imported keys are migrated.`);
  });
});
