import { describe, expect, it } from "vitest";
import { makeKey, makeUser } from "@/test/fixtures";
import { db } from "@/lib/db";
import { ApiError } from "@/lib/errors";
import { rotateKey } from "./rotate-key";
import { revokeKey } from "./revoke-key";
import { updateKey } from "./update-key";

// Two people (or two instances) acting on one key at the same moment. SQLite runs one write transaction at a
// time; on PostgreSQL these read-then-write transactions must not interleave either.

async function settle<T>(promises: Promise<T>[]) {
  const results = await Promise.allSettled(promises);
  const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
  for (const err of refused) if (!(err instanceof ApiError)) throw err;
  return { ok: results.filter((r) => r.status === "fulfilled").length, refused: refused as ApiError[] };
}

async function keyRow(keyId: string) {
  return db().apiKey.findUniqueOrThrow({ where: { keyId }, include: { secrets: true, auditEvents: true } });
}

describe("one key, concurrent changes", () => {
  it("revoked twice at once: one revocation, one conflict, one audit entry", async () => {
    const owner = await makeUser();
    const { key } = await makeKey(owner);
    const { ok, refused } = await settle([
      revokeKey(owner, key.keyId, { reason: "first" }),
      revokeKey(owner, key.keyId, { reason: "second" }),
    ]);
    expect(ok).toBe(1);
    expect(refused.map((e) => e.code)).toEqual(["conflict"]);
    const row = await keyRow(key.keyId);
    expect(row.auditEvents.filter((a) => a.action === "revoked")).toHaveLength(1);
  });

  it("rotated several times at once: exactly one current secret afterwards", async () => {
    const owner = await makeUser();
    const { key } = await makeKey(owner);
    const { ok } = await settle(Array.from({ length: 4 }, () => rotateKey(owner, key.keyId, { graceSeconds: 3600 })));
    expect(ok).toBe(4);
    const row = await keyRow(key.keyId);
    expect(row.secrets.filter((s) => s.retiresAt === null)).toHaveLength(1);
    expect(row.secrets).toHaveLength(5);
    expect(row.auditEvents.filter((a) => a.action === "rotated")).toHaveLength(4);
  });

  it("renamed and revoked at once: both happen, each audited with what it saw", async () => {
    const owner = await makeUser();
    const { key } = await makeKey(owner, { name: "Before" });
    const { ok, refused } = await settle([
      updateKey(owner, key.keyId, { name: "After" }),
      revokeKey(owner, key.keyId, { reason: "done" }),
    ]);
    // Either order is fine; what must hold is one consistent history.
    expect(ok + refused.length).toBe(2);
    const row = await keyRow(key.keyId);
    expect(row.status).toBe("revoked");
    expect(row.auditEvents.filter((a) => a.action === "revoked")).toHaveLength(1);
  });
});
