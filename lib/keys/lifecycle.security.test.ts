import { describe, expect, it, test } from "vitest";
import { keyTableCounts, makeKey, makeUser, rejectionOf } from "@/test/fixtures";
import { db } from "@/lib/db";
import { updateKey } from "./update-key";
import { rotateKey } from "./rotate-key";
import { revokeKey } from "./revoke-key";
import { listKeys } from "./list-keys";
import { getKeyAuditOrThrow, getKeyOrThrow } from "./get-key-or-throw";

describe("support staff", () => {
  it("list every user's keys, with the owner's email", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const support = await makeUser("support");
    const a = await makeKey(alice, { name: "alice key" });
    const b = await makeKey(bob, { name: "bob key" });

    const seen = new Map<string, string | undefined>();
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listKeys>> = await listKeys(support, {
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      for (const k of page.data) seen.set(k.keyId, k.ownerEmail);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.get(a.key.keyId)).toBe(alice.email);
    expect(seen.get(b.key.keyId)).toBe(bob.email);

    // A plain user sees only their own, and no owner email.
    const own = await listKeys(alice, { limit: 50 });
    expect(own.data.map((k) => k.keyId)).toEqual([a.key.keyId]);
    expect(own.data[0]!.ownerEmail).toBeUndefined();
  });

  it("can read and revoke another user's key; the audit entry names support and marks bySupport", async () => {
    const alice = await makeUser();
    const support = await makeUser("support");
    const made = await makeKey(alice, { scopes: ["inventory:read"] });
    expect((await getKeyOrThrow(support, made.key.keyId)).keyId).toBe(made.key.keyId);

    const view = await revokeKey(support, made.key.keyId, { reason: "reported leak" });
    expect(view.status).toBe("revoked");
    const [latest] = await getKeyAuditOrThrow(alice, made.key.keyId);
    expect(latest).toEqual({
      action: "revoked",
      actor: support.email,
      ip: "203.0.113.10",
      changes: { reason: "reported leak", bySupport: true },
      at: expect.any(String),
    });
    const row = await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId } });
    expect(row.revokedByUserId).toBe(support.userId);
  });

  test.each([
    [
      "update",
      (actor: Parameters<typeof updateKey>[0], keyId: string) => updateKey(actor, keyId, { name: "hijacked" }),
    ],
    ["rotate", (actor: Parameters<typeof rotateKey>[0], keyId: string) => rotateKey(actor, keyId, { graceSeconds: 0 })],
  ])("cannot %s another user's key: 403 forbidden, nothing written", async (_op, op) => {
    const alice = await makeUser();
    const support = await makeUser("support");
    const made = await makeKey(alice, { name: "alice key" });
    const before = await keyTableCounts();
    const err = await rejectionOf(op(support, made.key.keyId));
    expect({ code: err.code, status: err.status, message: err.message }).toEqual({
      code: "forbidden",
      status: 403,
      message: `Support staff can revoke ${made.key.keyId} but not change it; ask its owner.`,
    });
    expect(await keyTableCounts()).toEqual(before);
    expect((await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId } })).name).toBe("alice key");
  });

  it("can still change their own keys", async () => {
    const support = await makeUser("support");
    const made = await makeKey(support, { name: "mine" });
    expect((await updateKey(support, made.key.keyId, { name: "still mine" })).name).toBe("still mine");
  });
});

describe("another user's key is not found (never forbidden)", () => {
  test.each([
    ["get", (actor: Parameters<typeof getKeyOrThrow>[0], keyId: string) => getKeyOrThrow(actor, keyId)],
    ["audit", (actor: Parameters<typeof getKeyOrThrow>[0], keyId: string) => getKeyAuditOrThrow(actor, keyId)],
    [
      "update",
      (actor: Parameters<typeof getKeyOrThrow>[0], keyId: string) => updateKey(actor, keyId, { name: "mine now" }),
    ],
    [
      "rotate",
      (actor: Parameters<typeof getKeyOrThrow>[0], keyId: string) => rotateKey(actor, keyId, { graceSeconds: 0 }),
    ],
    [
      "revoke",
      (actor: Parameters<typeof getKeyOrThrow>[0], keyId: string) => revokeKey(actor, keyId, { reason: "mine now" }),
    ],
  ])("%s: 404 not_found, the same answer as for a key that does not exist", async (_op, op) => {
    const alice = await makeUser();
    const mallory = await makeUser();
    const made = await makeKey(alice, { name: "alice key" });
    const before = await keyTableCounts();

    const theirs = await rejectionOf(op(mallory, made.key.keyId));
    expect({ code: theirs.code, status: theirs.status, message: theirs.message }).toEqual({
      code: "not_found",
      status: 404,
      message: `No API key with id "${made.key.keyId}".`,
    });
    const missingId = made.key.keyId.slice(0, -4) + "zzzz";
    const missing = await rejectionOf(op(mallory, missingId));
    expect(missing.message).toBe(`No API key with id "${missingId}".`);
    expect(missing.code).toBe(theirs.code);

    expect(await keyTableCounts()).toEqual(before);
    const row = await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId } });
    expect({ name: row.name, status: row.status }).toEqual({ name: "alice key", status: "active" });
  });
});
