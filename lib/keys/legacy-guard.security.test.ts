import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { services } from "@/lib/services";
import { importLegacyKeys } from "./import-keys";
import { parseImportJson } from "./import-file";
import { GET as listInventoryRoute } from "@/app/api/v1/inventory/route";
import { call, expectErrorBody, makeUser } from "@/test/fixtures";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function importOne(email: string, row: Record<string, unknown>) {
  return importLegacyKeys({ kind: "operator", label: "test" }, parseImportJson({ keys: [{ email, ...row }] }));
}

const inventory = (headers: Record<string, string>) => call(listInventoryRoute, { path: "/api/v1/inventory", headers });

describe("the guard's legacy path (security)", () => {
  it("a wrong secret for a SHA-256-only legacy key is refused and does not upgrade its hash; the log keeps the real key id", async () => {
    const owner = await makeUser();
    await importOne(owner.email, { keyId: "legacy-sec-0001", secretSha256: sha256("the-right-secret") });
    const res = await inventory({ "x-api-key": "legacy-sec-0001", "x-api-secret": "the-wrong-secret" });
    expectErrorBody(res, {
      status: 401,
      code: "invalid_credentials",
      message: "The API key id or secret is wrong. Check both values, or create a new key.",
    });
    const secret = await db().keySecret.findFirstOrThrow({ where: { apiKey: { keyId: "legacy-sec-0001" } } });
    expect(secret.hashKind).toBe("sha256");
    // The digest itself is not a credential: sending the SHA-256 as the secret does not work either.
    const digest = await inventory({ "x-api-key": "legacy-sec-0001", "x-api-secret": sha256("the-right-secret") });
    expect(digest.status).toBe(401);
    await services().logWriter.flush();
    const logged = await db().requestLog.findFirstOrThrow({ where: { requestId: res.headers.get("x-request-id")! } });
    expect(logged.keyId).toBe("legacy-sec-0001");
  });

  it("an unknown id of the legacy shape is refused and never logged (it may be a pasted secret)", async () => {
    const res = await inventory({ "x-api-key": "Zm9vYmFyLXNlY3JldC12YWx1ZQ", "x-api-secret": "whatever-secret" });
    expect(res.status).toBe(401);
    await services().logWriter.flush();
    const logged = await db().requestLog.findFirstOrThrow({ where: { requestId: res.headers.get("x-request-id")! } });
    expect(logged.keyId).toBeNull();
  });

  it("a revoked legacy key is refused like any key", async () => {
    const owner = await makeUser();
    await importOne(owner.email, { keyId: "legacy-sec-0002", secret: "old-pair-secret-2" });
    const creds = { "x-api-key": "legacy-sec-0002", "x-api-secret": "old-pair-secret-2" };
    expect((await inventory(creds)).status).toBe(200);
    const { revokeKey } = await import("./revoke-key");
    await revokeKey(owner, "legacy-sec-0002", { reason: "moved to a scoped key" });
    const res = await inventory(creds);
    expect(res.status).toBe(401);
    expect(res.body!.error.code).toBe("key_revoked");
  });
});
