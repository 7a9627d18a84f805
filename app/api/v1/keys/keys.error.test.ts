import { describe, expect, it, test } from "vitest";
import { POST as createKeyRoute } from "./route";
import { POST as rotateKeyRoute } from "./[keyId]/rotate/route";
import { call, credsOf, expectErrorBody, keyTableCounts, makeKey, makeUser } from "@/test/fixtures";
import { SCOPES } from "@/lib/scopes";

async function admin() {
  const owner = await makeUser();
  return credsOf(await makeKey(owner, { scopes: [...SCOPES] }));
}

describe("POST /api/v1/keys validation (whole error body, nothing written)", () => {
  test.each([
    [
      "unknown scope",
      { name: "k", scopes: ["offers:admin"] },
      "scopes.0",
      `unknown scope "offers:admin"; known scopes: ${SCOPES.join(", ")}`,
    ],
    [
      "bad CIDR",
      { name: "k", ipAllowlist: ["10.0.0.0/40"] },
      "ipAllowlist.0",
      '"10.0.0.0/40" is not an IPv4 (dotted decimal) or IPv6 address or CIDR range',
    ],
    ["expiry in the past", { name: "k", expiresAt: "2020-01-01T00:00:00.000Z" }, "expiresAt", "must be in the future"],
    ["name too long", { name: "x".repeat(81) }, "name", "at most 80 characters"],
  ])("%s -> 400 naming %s", async (_label, body, field, message) => {
    const creds = await admin();
    const before = await keyTableCounts();
    const res = await call(createKeyRoute, { method: "POST", path: "/api/v1/keys", key: creds, body });
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message: `${field}: ${message}`,
      details: { issues: [{ field, message }] },
    });
    expect(await keyTableCounts()).toEqual(before);
  });

  it("an unknown field -> 400 naming it", async () => {
    const creds = await admin();
    const before = await keyTableCounts();
    const res = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: { name: "k", ownerId: "x" },
    });
    expect(res.status).toBe(400);
    expect(res.body!.error.code).toBe("validation_failed");
    expect(res.body!.error.message).toContain('"ownerId"');
    expect(await keyTableCounts()).toEqual(before);
  });

  test.each([
    [-1, "graceSeconds: must be 0 or more"],
    [30 * 86_400 + 1, "graceSeconds: at most 2592000 (30 days)"],
  ])("rotate with graceSeconds %s -> 400", async (graceSeconds, message) => {
    const owner = await makeUser();
    const creds = credsOf(await makeKey(owner, { scopes: ["keys:write"] }));
    const target = await makeKey(owner);
    const before = await keyTableCounts();
    const res = await call(rotateKeyRoute, {
      method: "POST",
      path: `/api/v1/keys/${target.key.keyId}/rotate`,
      key: creds,
      params: { keyId: target.key.keyId },
      body: { graceSeconds },
    });
    expectErrorBody(res, {
      status: 400,
      code: "validation_failed",
      message,
      details: { issues: [{ field: "graceSeconds", message: message.slice("graceSeconds: ".length) }] },
    });
    expect(await keyTableCounts()).toEqual(before);
  });

  it("malformed JSON -> 400, wrong content type -> 415", async () => {
    const creds = await admin();
    const malformed = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: '{"name": "k"',
    });
    expectErrorBody(malformed, {
      status: 400,
      code: "validation_failed",
      message: "The body is not valid JSON.",
      details: { issues: [{ field: "(body)", message: "not valid JSON" }] },
    });
    const wrongType = await call(createKeyRoute, {
      method: "POST",
      path: "/api/v1/keys",
      key: creds,
      body: "name=k",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectErrorBody(wrongType, {
      status: 415,
      code: "unsupported_media_type",
      message: "Send the body as JSON with Content-Type: application/json.",
    });
  });
});
