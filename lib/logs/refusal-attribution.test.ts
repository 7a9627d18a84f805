import { describe, expect, it } from "vitest";
import { GET as inventoryRoute } from "@/app/api/v1/inventory/route";
import { POST as rotateRoute } from "@/app/api/v1/keys/[keyId]/rotate/route";
import { POST as endGraceRoute } from "@/app/api/v1/keys/[keyId]/end-grace/route";
import { call, credsOf, logPage, makeKey, makeUser } from "@/test/fixtures";
import { db } from "../db";
import { generateSecret } from "../keys/key-format";
import { services } from "../services";
import { queryLogs } from "./query-logs";
import { getLogEntryOrThrow } from "./get-log-entry";

async function stored(requestId: string) {
  await services().logWriter.flush();
  return db().requestLog.findUniqueOrThrow({ where: { requestId } });
}

describe("a refusal for a wrong secret is attributed to the presented key and its owner", () => {
  it("shows in the owner's log (4xx), the key's requests and support's partner + 401 filter; the secret is never stored", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const support = await makeUser("support");
    const made = await makeKey(owner, { name: "Feed", partner: "Acme Attrib", scopes: ["inventory:read"] });
    const wrong = generateSecret("live");
    const res = await call(inventoryRoute, {
      path: "/api/v1/inventory?limit=3",
      key: { keyId: made.key.keyId, secret: wrong },
    });
    expect(res.status).toBe(401);
    expect(res.body!.error.code).toBe("invalid_credentials");
    const requestId = res.headers.get("x-request-id")!;

    const row = await stored(requestId);
    const keyRow = await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId } });
    expect(row).toMatchObject({
      apiKeyId: keyRow.id,
      keyId: made.key.keyId,
      keyName: "Feed",
      partner: "Acme Attrib",
      ownerId: owner.userId,
      environment: "live",
      status: 401,
      errorCode: "invalid_credentials",
      secretSlot: null,
    });
    // Neither the wrong secret nor the key's real one is anywhere in the row.
    const everything = JSON.stringify(row);
    expect(everything).not.toContain(wrong.slice(11, 40));
    expect(everything).not.toContain(made.secret.slice(11, 40));

    const ownerLog = await queryLogs(owner, logPage({ status: "4xx" }));
    expect(ownerLog.data.map((r) => r.requestId)).toContain(requestId);
    const keyLog = await queryLogs(owner, logPage({ keyId: made.key.keyId, range: "30d" }));
    expect(keyLog.data.map((r) => r.requestId)).toEqual([requestId]);
    const supportLog = await queryLogs(support, logPage({ partner: "Acme Attrib", status: "401" }));
    expect(supportLog.data.map((r) => r.requestId)).toEqual([requestId]);
    expect((await queryLogs(other, logPage({ status: "4xx" }))).data).toEqual([]);

    const detail = await getLogEntryOrThrow(owner, requestId);
    expect(detail.refusal).toEqual({
      message: "The API key id or secret is wrong. Check both values, or create a new key.",
      requiredScope: "inventory:read",
      grantedScopes: ["inventory:read"],
      query: "limit=3",
      keyState: { status: "active", inGrace: false, secret: "wrong" },
    });
    // A wrong secret does not count as use of the key.
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: keyRow.id } })).lastUsedAt).toBeNull();
  });

  it("an unknown key id stays unattributed", async () => {
    const res = await call(inventoryRoute, {
      path: "/api/v1/inventory",
      key: { keyId: "kw_live_AAAAAAAAAAAAAAAA", secret: generateSecret("live") },
    });
    const row = await stored(res.headers.get("x-request-id")!);
    expect(row).toMatchObject({ apiKeyId: null, ownerId: null, keyId: "kw_live_AAAAAAAAAAAAAAAA" });
    expect(JSON.parse(row.refusal!)).toEqual({
      message: "The API key id or secret is wrong. Check both values, or create a new key.",
      requiredScope: "inventory:read",
    });
  });

  it("records the key's state: a scope refusal lists required vs granted; the old secret after end-grace is 'retired'", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { name: "Rotating", scopes: ["logs:read", "keys:write"] });
    const scopeRes = await call(inventoryRoute, { path: "/api/v1/inventory", key: credsOf(made) });
    expect(scopeRes.status).toBe(403);
    const scopeDetail = await (async () => {
      await services().logWriter.flush();
      return getLogEntryOrThrow(owner, scopeRes.headers.get("x-request-id")!);
    })();
    expect(scopeDetail.refusal).toMatchObject({
      requiredScope: "inventory:read",
      grantedScopes: ["logs:read", "keys:write"],
      keyState: { status: "active", inGrace: false, secret: "current" },
    });

    const rotated = await call(rotateRoute, {
      method: "POST",
      path: `/api/v1/keys/${made.key.keyId}/rotate`,
      params: { keyId: made.key.keyId },
      key: credsOf(made),
      body: { graceSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    const fresh = { keyId: made.key.keyId, secret: rotated.body!.secret as string };

    // In grace: the old secret still works, and a refusal with it says so.
    const inGrace = await call(inventoryRoute, { path: "/api/v1/inventory", key: credsOf(made) });
    expect(inGrace.status).toBe(403);
    expect((await getLogEntryOrThrow(owner, await flushed(inGrace))).refusal?.keyState).toEqual({
      status: "active",
      inGrace: true,
      secret: "previous",
    });

    const ended = await call(endGraceRoute, {
      method: "POST",
      path: `/api/v1/keys/${made.key.keyId}/end-grace`,
      params: { keyId: made.key.keyId },
      key: fresh,
    });
    expect(ended.status).toBe(200);
    expect(ended.body!.data.secretsInGrace).toEqual([]);

    const retired = await call(inventoryRoute, { path: "/api/v1/inventory", key: credsOf(made) });
    expect(retired.status).toBe(401);
    const detail = await getLogEntryOrThrow(owner, await flushed(retired));
    expect(detail).toMatchObject({ keyId: made.key.keyId, errorCode: "invalid_credentials" });
    expect(detail.refusal?.keyState).toEqual({ status: "active", inGrace: false, secret: "retired" });
  });
});

async function flushed(res: { headers: Headers }): Promise<string> {
  await services().logWriter.flush();
  return res.headers.get("x-request-id")!;
}
