import { describe, expect, it } from "vitest";
import { GET as listInventoryRoute } from "@/app/api/v1/inventory/route";
import { POST as suspendRoute } from "@/app/api/v1/keys/[keyId]/suspend/route";
import { POST as resumeRoute } from "@/app/api/v1/keys/[keyId]/resume/route";
import { GET as listKeysRoute } from "@/app/api/v1/keys/route";
import { call, credsOf, expectErrorBody, makeKey, makeUser, rejectionOf } from "@/test/fixtures";
import { db } from "../db";
import { resumeKey, suspendKey } from "./suspend-key";
import { revokeKey } from "./revoke-key";
import { getKeyOrThrow } from "./get-key-or-throw";

const probe = (creds: { keyId: string; secret: string }) =>
  call(listInventoryRoute, { path: "/api/v1/inventory", key: creds });

async function actions(keyId: string) {
  const key = await db().apiKey.findUniqueOrThrow({ where: { keyId } });
  const rows = await db().auditEvent.findMany({
    where: { apiKeyId: key.id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => ({ action: r.action, actor: r.actorLabel, changes: JSON.parse(r.changes) as unknown }));
}

describe("suspend and resume", () => {
  it("a suspended key is refused with key_suspended on the next request; resumed, it works again", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    expect((await probe(credsOf(made))).status).toBe(200); // warm in the cache

    const suspended = await suspendKey(owner, made.key.keyId, { reason: "checking a possible leak" });
    expect(suspended).toMatchObject({ status: "suspended", suspendedReason: "checking a possible leak" });
    expect(suspended.suspendedAt).not.toBeNull();
    expectErrorBody(await probe(credsOf(made)), {
      status: 401,
      code: "key_suspended",
      message: `API key ${made.key.keyId} is suspended. Its owner can resume it.`,
    });

    const resumed = await resumeKey(owner, made.key.keyId, { reason: "false alarm" });
    expect(resumed).toMatchObject({ status: "active", suspendedAt: null, suspendedReason: null });
    expect((await probe(credsOf(made))).status).toBe(200);

    expect((await actions(made.key.keyId)).slice(1)).toEqual([
      { action: "suspended", actor: owner.email, changes: { reason: "checking a possible leak" } },
      {
        action: "resumed",
        actor: owner.email,
        changes: {
          reason: "false alarm",
          suspendedAt: suspended.suspendedAt,
          suspendedReason: "checking a possible leak",
        },
      },
    ]);
  });

  it("refuses what does not make sense: suspending twice, resuming an active or revoked key", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner);
    expect((await rejectionOf(resumeKey(owner, made.key.keyId, {}))).message).toBe(
      `${made.key.keyId} is active; only a suspended key can be resumed.`,
    );
    await suspendKey(owner, made.key.keyId, { reason: "a" });
    const twice = await rejectionOf(suspendKey(owner, made.key.keyId, { reason: "b" }));
    expect([twice.code, twice.message]).toEqual([
      "conflict",
      `${made.key.keyId} is suspended; only an active key can be suspended.`,
    ]);
    await revokeKey(owner, made.key.keyId, { reason: "done" });
    expect((await rejectionOf(resumeKey(owner, made.key.keyId, {}))).code).toBe("conflict");
    expect((await getKeyOrThrow(owner, made.key.keyId)).status).toBe("revoked");
  });

  it("another owner's key is not found; support may not suspend a user's key", async () => {
    const [owner, other, support] = [await makeUser(), await makeUser(), await makeUser("support")];
    const made = await makeKey(owner);
    expect((await rejectionOf(suspendKey(other, made.key.keyId, { reason: "x" }))).code).toBe("not_found");
    expect((await rejectionOf(suspendKey(support, made.key.keyId, { reason: "x" }))).code).toBe("forbidden");
  });

  it("through the API: keys:write suspends and resumes; the list filters by status", async () => {
    const owner = await makeUser();
    const admin = await makeKey(owner, { scopes: ["keys:read", "keys:write"] });
    const target = await makeKey(owner, { name: "target" });
    const params = { keyId: target.key.keyId };
    const res = await call(suspendRoute, {
      method: "POST",
      path: `/api/v1/keys/${target.key.keyId}/suspend`,
      key: credsOf(admin),
      params,
      body: { reason: "partner paused" },
    });
    expect(res.status).toBe(200);
    expect(res.body!.data).toMatchObject({ keyId: target.key.keyId, status: "suspended" });
    const missingReason = await call(suspendRoute, {
      method: "POST",
      path: `/api/v1/keys/${target.key.keyId}/suspend`,
      key: credsOf(admin),
      params,
      body: {},
    });
    expect(missingReason.status).toBe(400);

    const listed = await call(listKeysRoute, { path: "/api/v1/keys?status=suspended", key: credsOf(admin) });
    expect(listed.body!.data.map((k: { keyId: string }) => k.keyId)).toEqual([target.key.keyId]);

    const resumed = await call(resumeRoute, {
      method: "POST",
      path: `/api/v1/keys/${target.key.keyId}/resume`,
      key: credsOf(admin),
      params,
      body: "",
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body!.data.status).toBe("active");
  });
});
