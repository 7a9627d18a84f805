import { describe, expect, it } from "vitest";
import { GET as listInventoryRoute } from "@/app/api/v1/inventory/route";
import { POST as leaksRoute } from "@/app/api/v1/leaks/route";
import { call, credsOf, makeKey, makeUser } from "@/test/fixtures";
import { db } from "../db";
import { services } from "../services";
import { generateSecret } from "../keys/key-format";
import { rotateKey } from "../keys/rotate-key";
import { getKeyOrThrow } from "../keys/get-key-or-throw";
import { reportLeaks } from "./report-leaks";

const probe = (creds: { keyId: string; secret: string }) =>
  call(listInventoryRoute, { path: "/api/v1/inventory", key: creds });

const report = (secrets: unknown, source: unknown = "https://github.com/acme/app/commit/abc", ip = "198.51.100.7") =>
  call(leaksRoute, { method: "POST", path: "/api/v1/leaks", body: { secrets, source }, ip });

describe("POST /api/v1/leaks", () => {
  it("revokes a key whose live secret is reported, audits leak_reported with the source, and answers only 202 {received}", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    expect((await probe(credsOf(made))).status).toBe(200);

    const res = await report([made.secret, "not a secret", generateSecret("live")]);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ received: 3 });

    const next = await probe(credsOf(made));
    expect([next.status, next.body!.error.code]).toEqual([401, "key_revoked"]);
    const key = await getKeyOrThrow(owner, made.key.keyId);
    expect(key).toMatchObject({ status: "revoked", leak: { source: "https://github.com/acme/app/commit/abc" } });
    const row = await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId } });
    const audit = await db().auditEvent.findMany({
      where: { apiKeyId: row.id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect(audit.map((a) => [a.action, a.actorLabel, JSON.parse(a.changes)])).toEqual([
      ["created", owner.email, expect.anything()],
      [
        "leak_reported",
        "system",
        { source: "https://github.com/acme/app/commit/abc", outcome: "revoked", secretLastFour: made.secret.slice(-4) },
      ],
      ["revoked", "system", { reason: "Secret reported leaked: https://github.com/acme/app/commit/abc" }],
    ]);
  });

  it("the answer is the same whether anything matched or not", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner);
    const matching = await report([made.secret, "x"]);
    const noise = await report([generateSecret("test"), "x"]);
    expect([matching.status, matching.body]).toEqual([202, { received: 2 }]);
    expect([noise.status, noise.body]).toEqual([202, { received: 2 }]);
  });

  it("a key whose policy is notify only is flagged, not revoked, and keeps working", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"], leakPolicy: "notify" });
    await report([made.secret], "pastebin");
    expect((await probe(credsOf(made))).status).toBe(200);
    const key = await getKeyOrThrow(owner, made.key.keyId);
    expect(key).toMatchObject({ status: "active", leakPolicy: "notify", leak: { source: "pastebin" } });
    // Rotating the secret deals with the leak: the flag goes.
    await rotateKey(owner, made.key.keyId, { graceSeconds: 0 });
    expect((await getKeyOrThrow(owner, made.key.keyId)).leak).toBeNull();
  });

  it("drops look-alikes by checksum, ignores retired secrets and revoked keys, acts once per duplicate", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner);
    const mistyped = made.secret.slice(0, -1) + (made.secret.endsWith("a") ? "b" : "a");
    expect((await reportLeaks({ secrets: [mistyped], source: "s" })).size).toBe(0);
    const rotated = await makeKey(owner);
    await rotateKey(owner, rotated.key.keyId, { graceSeconds: 0 });
    expect((await reportLeaks({ secrets: [rotated.secret], source: "s" })).size).toBe(0);
    const outcomes = await reportLeaks({ secrets: [made.secret, made.secret, ` ${made.secret} `], source: "s" });
    expect([...outcomes]).toEqual([[made.key.keyId, "revoked"]]);
    expect((await reportLeaks({ secrets: [made.secret], source: "s" })).size).toBe(0);
  });

  it("refuses bad bodies with the error body, at most 100 secrets", async () => {
    const tooMany = await report(Array.from({ length: 101 }, (_, i) => `s${i}`));
    expect([tooMany.status, tooMany.body!.error.code]).toEqual([400, "validation_failed"]);
    expect(tooMany.body!.error.details.issues[0]).toEqual({
      field: "secrets",
      message: "at most 100 secrets per report",
    });
    const noSource = await call(leaksRoute, { method: "POST", path: "/api/v1/leaks", body: { secrets: ["x"] } });
    expect(noSource.status).toBe(400);
    const notJson = await call(leaksRoute, {
      method: "POST",
      path: "/api/v1/leaks",
      body: "secrets=x",
      headers: { "content-type": "text/plain" },
    });
    expect(notJson.status).toBe(415);
  });

  it("records every report in the request log, without a key and without the secrets", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { leakPolicy: "notify" });
    const accepted = await report([made.secret], "pastebin", "198.51.100.21");
    const refused = await call(leaksRoute, {
      method: "POST",
      path: "/api/v1/leaks?from=scanner",
      body: "x",
      headers: { "content-type": "text/plain" },
      ip: "198.51.100.21",
    });
    await services().logWriter.flush();
    const rows = await db().requestLog.findMany({
      where: { requestId: { in: [accepted, refused].map((r) => r.headers.get("x-request-id")!) } },
      orderBy: { status: "asc" },
    });
    expect(rows.map((r) => [r.route, r.method, r.path, r.status, r.errorCode, r.apiKeyId, r.ownerId, r.ip])).toEqual([
      ["/api/v1/leaks", "POST", "/api/v1/leaks", 202, null, null, null, "198.51.100.21"],
      ["/api/v1/leaks", "POST", "/api/v1/leaks", 415, "unsupported_media_type", null, null, "198.51.100.21"],
    ]);
    expect(JSON.stringify(rows)).not.toContain(made.secret.slice(-20));
  });

  it("is rate limited per IP", async () => {
    const ip = "192.0.2.77";
    let last = 0;
    for (let i = 0; i < 61; i++) last = (await report(["x"], "s", ip)).status;
    expect(last).toBe(429);
    expect((await report(["x"], "s", "192.0.2.78")).status).toBe(202);
  });
});
