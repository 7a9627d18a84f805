import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { services } from "@/lib/services";
import { importKeysResponse } from "@/lib/keys/import-endpoint";
import { TOKEN_FAILURES_PER_MINUTE } from "@/lib/auth/failed-auth-throttle";
import { hashSecret } from "@/lib/keys/secret-hash";
import { GET as listInventoryRoute } from "../../inventory/route";
import { GET as listOffersRoute } from "../../offers/route";
import { call, expectErrorBody, keyTableCounts, makeUser, overrideServices, type UserActor } from "@/test/fixtures";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

type Pair = { email: string; keyId: string; secret: string; hashed: boolean; scopes: string; partner: string };

/** The platform's export: 1,000 pairs over 20 users, half with the plaintext secret and half with its SHA-256. */
function legacyPairs(emails: string[]): Pair[] {
  return Array.from({ length: 1000 }, (_, i) => ({
    email: emails[i % emails.length]!,
    keyId: `legacy.${String(i).padStart(4, "0")}-${(i * 7919).toString(36)}`,
    secret: `old_Secret-${i}-${(i * 104729).toString(36)}!x`,
    hashed: i % 2 === 1,
    // Every third pair was given only inventory:read by the operator; the rest get the default (all partner scopes).
    scopes: i % 3 === 0 ? "inventory:read" : "",
    partner: `Partner ${i % 7}`,
  }));
}

function toCsv(pairs: Pair[]): string {
  const lines = ["email,key_id,secret,secret_sha256,name,partner,scopes"];
  for (const p of pairs) {
    lines.push(
      [
        p.email,
        p.keyId,
        p.hashed ? "" : p.secret,
        p.hashed ? sha256(p.secret) : "",
        `Legacy ${p.keyId}`,
        p.partner,
        p.scopes,
      ]
        .map((v) => (/[",\s]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
        .join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

function importRequest(body: string, type = "text/csv", headers: Record<string, string> = {}) {
  return new Request("http://localhost/api/v1/keys/import", {
    method: "POST",
    headers: { "content-type": type, ...headers },
    body,
  });
}

async function importAs(support: UserActor | null, body: string, type = "text/csv", headers = {}) {
  const res = await importKeysResponse(importRequest(body, type, headers), async () => support, "req_importtest0");
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe("legacy key import (acceptance)", () => {
  it("imports 1,000 pairs; the original credentials work unchanged within their scopes; a re-run changes nothing; a file with bad rows imports nothing", async () => {
    const support = await makeUser("support");
    const users = await Promise.all(Array.from({ length: 20 }, () => makeUser()));
    const pairs = legacyPairs(users.map((u) => u.email));
    const csv = toCsv(pairs);

    const first = await importAs(support, csv);
    expect(first.status).toBe(200);
    expect(first.body.created).toBe(1000);
    expect(first.body.unchanged).toBe(0);
    // Per row, by its CSV line (the header is line 1).
    expect(first.body.rows[0]).toEqual({ line: 2, keyId: pairs[0]!.keyId, outcome: "created" });
    expect(first.body.rows[999]).toEqual({ line: 1001, keyId: pairs[999]!.keyId, outcome: "created" });

    const rows = await db().apiKey.findMany({
      where: { legacy: true },
      include: { secrets: true, partner: true },
    });
    expect(rows).toHaveLength(1000);
    const byId = new Map(rows.map((r) => [r.keyId, r]));
    for (const p of [pairs[0]!, pairs[1]!]) {
      const row = byId.get(p.keyId)!;
      expect(row.ownerId).toBe(users.find((u) => u.email === p.email)!.userId);
      expect(row.partner?.name).toBe(p.partner);
      // Never the plaintext, never the bare SHA-256: both are stored under the server's pepper.
      expect(row.secrets[0]!.secretHash).toBe(p.hashed ? hashSecret(sha256(p.secret)) : hashSecret(p.secret));
      expect(row.secrets[0]!.hashKind).toBe(p.hashed ? "sha256" : "hmac");
    }
    expect(JSON.parse(byId.get(pairs[0]!.keyId)!.scopes)).toEqual(["inventory:read"]);
    expect(JSON.parse(byId.get(pairs[1]!.keyId)!.scopes)).toEqual([
      "inventory:read",
      "offers:read",
      "offers:write",
      "logs:read",
    ]);

    // A sample of the original credentials, sent unchanged through the same headers (and HTTP Basic).
    const sample = pairs.filter((_, i) => i % 25 === 0 || i % 25 === 1);
    expect(sample.filter((p) => p.hashed).length).toBeGreaterThan(10);
    for (const [n, p] of sample.entries()) {
      const headers: Record<string, string> =
        n % 2 === 0
          ? { authorization: `Basic ${Buffer.from(`${p.keyId}:${p.secret}`).toString("base64")}` }
          : { "x-api-key": p.keyId, "x-api-secret": p.secret };
      const inventory = await call(listInventoryRoute, { path: "/api/v1/inventory", headers });
      expect(inventory.status, `${p.keyId} on inventory`).toBe(200);
      const offers = await call(listOffersRoute, { path: "/api/v1/offers", headers });
      // Within its scopes it works; beyond them it is refused like any key.
      expect(offers.status, `${p.keyId} on offers`).toBe(p.scopes === "inventory:read" ? 403 : 200);
      const wrong = await call(listInventoryRoute, {
        path: "/api/v1/inventory",
        headers: { "x-api-key": p.keyId, "x-api-secret": `${p.secret}0` },
      });
      expect(wrong.status).toBe(401);
    }
    // A SHA-256-only secret was re-hashed with the pepper on its first successful use.
    const upgraded = sample.find((p) => p.hashed)!;
    const secretRow = await db().keySecret.findFirstOrThrow({ where: { apiKey: { keyId: upgraded.keyId } } });
    expect(secretRow).toMatchObject({ hashKind: "hmac", secretHash: hashSecret(upgraded.secret) });
    expect(secretRow.lastFour).toBe(upgraded.secret.slice(-4));
    // ...and keeps working afterwards (the key cache was told).
    const again = await call(listInventoryRoute, {
      path: "/api/v1/inventory",
      headers: { "x-api-key": upgraded.keyId, "x-api-secret": upgraded.secret },
    });
    expect(again.status).toBe(200);

    // Re-run: nothing changes, every row reports unchanged (including the pair whose hash was upgraded).
    const before = await keyTableCounts();
    const partnersBefore = await db().partner.count();
    const second = await importAs(support, csv);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ created: 0, unchanged: 1000 });
    expect(second.body.rows.every((r: { outcome: string }) => r.outcome === "unchanged")).toBe(true);
    expect(await keyTableCounts()).toEqual(before);
    expect(await db().partner.count()).toBe(partnersBefore);

    // A file with bad rows: each refused with its line and reason, and nothing else imported.
    const fresh = (i: number) => ({
      email: users[0]!.email,
      keyId: `fresh-key-${i}`,
      secret: `fresh-secret-${i}`,
    });
    const badCsv = [
      "email,key_id,secret,secret_sha256,name,partner,scopes",
      `${fresh(1).email},${fresh(1).keyId},${fresh(1).secret},,ok row,,`, // line 2: good
      `not-an-email,${fresh(2).keyId},${fresh(2).secret},,,,`, // line 3
      `nobody@example.test,${fresh(3).keyId},${fresh(3).secret},,,,`, // line 4
      `${fresh(4).email},short,${fresh(4).secret},,,,`, // line 5
      `${fresh(5).email},${fresh(5).keyId},${fresh(5).secret},${sha256("x")},,,`, // line 6
      `${fresh(6).email},${fresh(6).keyId},${fresh(6).secret},,,,offers:admin`, // line 7
      `${fresh(7).email},${fresh(1).keyId},other-secret-7,,,,`, // line 8: key id repeated
      `${fresh(8).email},${pairs[0]!.keyId},another-secret,,,,`, // line 9: clashes with an imported key
      `${fresh(9).email},${fresh(9).keyId},,,,,`, // line 10
      `${fresh(10).email},${fresh(10).keyId},${fresh(10).secret},,,`, // line 11: a field short
      `${fresh(11).email},${fresh(11).keyId},${fresh(11).secret},,good,,inventory:read`, // line 12: good
    ].join("\n");
    const refused = await importAs(support, badCsv);
    expectErrorBody(refused, {
      status: 400,
      code: "validation_failed",
      message: /^Nothing was imported: 9 rows refused \(line 3: email: expected an email address; /,
      details: {
        issues: expect.any(Array),
        rows: [
          { line: 3, reason: "email: expected an email address" },
          {
            line: 4,
            reason: "email: no Keyward user has the email nobody@example.test; create the account first",
          },
          { line: 5, reason: "key_id: expected 8 to 128 characters of A-Z a-z 0-9 _ . -" },
          { line: 6, reason: "secret: send the secret or secret_sha256, not both" },
          { line: 7, reason: 'scopes: unknown scope "offers:admin"' },
          { line: 8, reason: "key_id: also on line 2" },
          { line: 9, reason: `key_id: ${pairs[0]!.keyId} already exists with another owner or secret` },
          { line: 10, reason: "secret: send the secret or secret_sha256" },
          { line: 11, reason: "the row has 6 fields, the header 7" },
        ],
      },
    });
    expect(await keyTableCounts()).toEqual(before);
    expect(await db().apiKey.findUnique({ where: { keyId: fresh(1).keyId } })).toBeNull();
  }, 240_000);

  it("JSON rows are referred to by index; only support staff or the operator token may import", async () => {
    const owner = await makeUser();
    const plain = await makeUser();
    const body = JSON.stringify({
      keys: [
        { email: owner.email, keyId: "json-key-0001", secret: "json-secret-0001", scopes: ["inventory:read"] },
        { email: owner.email, keyId: "kw_live_reserved", secretSha256: "zz" },
      ],
    });
    const asUser = await importAs(plain, body, "application/json");
    expectErrorBody(asUser, {
      status: 403,
      code: "forbidden",
      message: "Only support staff or an operator can import keys.",
    });
    const anonymous = await importAs(null, body, "application/json");
    expect(anonymous.status).toBe(401);

    const token = "operator-token-".padEnd(40, "x");
    const env = { ...services().env, KEYWARD_OPERATOR_TOKEN: token };
    const restore = overrideServices({ env: () => env });
    try {
      const wrongToken = await importAs(null, body, "application/json", { authorization: "Bearer nope" });
      expect(wrongToken.status).toBe(401);
      const refused = await importAs(null, body, "application/json", { authorization: `Bearer ${token}` });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.rows).toEqual([
        {
          index: 1,
          reason:
            "keyId: the prefixes kw_ and kwsec_ are reserved for Keyward's own keys; secretSha256: expected 64 hexadecimal characters (a SHA-256 digest)",
        },
      ]);
      const ok = JSON.stringify({ keys: [JSON.parse(body).keys[0]] });
      const imported = await importAs(null, ok, "application/json", { authorization: `Bearer ${token}` });
      expect(imported.status).toBe(200);
      expect(imported.body.rows).toEqual([{ index: 0, keyId: "json-key-0001", outcome: "created" }]);
      const audit = await db().auditEvent.findFirstOrThrow({ where: { apiKey: { keyId: "json-key-0001" } } });
      expect(audit).toMatchObject({ action: "imported", actorLabel: "operator (API token)" });
    } finally {
      restore();
    }
  });

  it("caps wrong operator tokens per address: past the limit even the right token gets 429 and nothing is imported; right tokens cost nothing", async () => {
    const token = "operator-token-".padEnd(40, "y");
    const env = { ...services().env, KEYWARD_OPERATOR_TOKEN: token };
    const restore = overrideServices({ env: () => env });
    const body = JSON.stringify({
      keys: [{ email: "nobody@example.com", keyId: "capped-key-0001", secret: "s".repeat(24) }],
    });
    const from = (ip: string, authorization: string) =>
      importAs(null, body, "application/json", { authorization, "x-keyward-client-ip": ip });
    try {
      // The right token is never counted: twice the limit of imports, each answered (a 400: unknown user).
      for (let i = 0; i < TOKEN_FAILURES_PER_MINUTE * 2; i++) {
        expect((await from("198.51.100.90", `Bearer ${token}`)).status).toBe(400);
      }
      for (let i = 0; i < TOKEN_FAILURES_PER_MINUTE; i++) {
        expect((await from("198.51.100.90", `Bearer guess-${i}`)).status).toBe(401);
      }
      const right = await from("198.51.100.90", `Bearer ${token}`);
      expectErrorBody(right, {
        status: 429,
        code: "rate_limited",
        message: /^Too many wrong operator tokens from 198\.51\.100\.90\. Retry in \d+ s\.$/,
      });
      expect(await db().apiKey.count({ where: { keyId: "capped-key-0001" } })).toBe(0);
      // Another address still gets its answer.
      expect((await from("198.51.100.91", `Bearer ${token}`)).status).toBe(400);
    } finally {
      restore();
    }
  });
});
