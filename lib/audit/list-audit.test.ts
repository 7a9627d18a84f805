import { describe, expect, it } from "vitest";
import { GET as auditRoute } from "@/app/api/v1/audit/route";
import { call, credsOf, makeKey, makeUser } from "@/test/fixtures";
import { parseOrThrow } from "../errors";
import { revokeKey } from "../keys/revoke-key";
import { suspendKey } from "../keys/suspend-key";
import { auditPageInput } from "./audit-input";
import { exportAuditCsv, listAudit } from "./list-audit";

const page = (input: Record<string, unknown>) => parseOrThrow(auditPageInput, input, "query");

describe("the audit trail", () => {
  it("lists the owner's key events newest first, filtered by key, actor and event; another owner sees none", async () => {
    const [owner, other, support] = [await makeUser(), await makeUser(), await makeUser("support")];
    const a = await makeKey(owner, { name: "A" });
    const b = await makeKey(owner, { name: "B" });
    await suspendKey(owner, a.key.keyId, { reason: "pause" });
    await revokeKey(owner, b.key.keyId, { reason: "gone" });

    const all = await listAudit(owner, page({}));
    expect(all.data.map((e) => [e.keyName, e.action])).toEqual([
      ["B", "revoked"],
      ["A", "suspended"],
      ["B", "created"],
      ["A", "created"],
    ]);
    expect(all.data[0]).toMatchObject({ keyId: b.key.keyId, actor: owner.email, changes: { reason: "gone" } });
    expect(all.data[0]!.ownerEmail).toBeUndefined();
    expect((await listAudit(owner, page({ keyId: a.key.keyId }))).data.map((e) => e.action)).toEqual([
      "suspended",
      "created",
    ]);
    expect((await listAudit(owner, page({ action: "revoked" }))).data).toHaveLength(1);
    expect((await listAudit(owner, page({ actor: owner.email.toUpperCase() }))).data).toHaveLength(4);
    expect((await listAudit(owner, page({ actor: "system" }))).data).toHaveLength(0);
    expect((await listAudit(other, page({}))).data).toEqual([]);
    expect((await listAudit(other, page({ keyId: a.key.keyId }))).data).toEqual([]);
    const seenBySupport = await listAudit(support, page({ keyId: a.key.keyId }));
    expect(seenBySupport.data.map((e) => e.ownerEmail)).toEqual([owner.email, owner.email]);
  });

  it("pages with a cursor without gaps or repeats", async () => {
    const owner = await makeUser();
    for (let i = 0; i < 5; i++) await makeKey(owner, { name: `k${i}` });
    const first = await listAudit(owner, page({ limit: 2 }));
    const second = await listAudit(owner, page({ limit: 2, cursor: first.nextCursor }));
    const third = await listAudit(owner, page({ limit: 2, cursor: second.nextCursor }));
    expect([...first.data, ...second.data, ...third.data].map((e) => e.keyName)).toEqual([
      "k4",
      "k3",
      "k2",
      "k1",
      "k0",
    ]);
    expect(third.nextCursor).toBeNull();
  });

  it("exports CSV with formulas neutralised", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { name: "=HYPERLINK(1)" });
    const csv = await exportAuditCsv(owner, { keyId: made.key.keyId });
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("at,keyId,keyName,action,actor,ip,changes,ownerEmail");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("'=HYPERLINK(1)");
  });

  it("GET /api/v1/audit needs keys:read and shows the key owner's entries", async () => {
    const owner = await makeUser();
    const reader = await makeKey(owner, { scopes: ["keys:read"] });
    const res = await call(auditRoute, { path: "/api/v1/audit?action=created", key: credsOf(reader) });
    expect(res.status).toBe(200);
    expect(res.body!.data.map((e: { keyId: string }) => e.keyId)).toEqual([reader.key.keyId]);
    const noScope = await makeKey(owner, { scopes: ["inventory:read"] });
    const refused = await call(auditRoute, { path: "/api/v1/audit", key: credsOf(noScope) });
    expect([refused.status, refused.body!.error.code]).toEqual([403, "insufficient_scope"]);
    const bad = await call(auditRoute, { path: "/api/v1/audit?action=nope", key: credsOf(reader) });
    expect(bad.status).toBe(400);
  });
});
