import { describe, expect, it, test } from "vitest";
import { keyTableCounts, makeKey, makeUser, rejectionOf } from "@/test/fixtures";
import { db } from "@/lib/db";
import { parseOrThrow } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor";
import { createKey as createParsed } from "./create-key";
import { updateKey as updateParsed } from "./update-key";
import { rotateKey as rotateParsed } from "./rotate-key";
import { revokeKey as revokeParsed } from "./revoke-key";
import { createKeyInput, revokeKeyInput, rotateKeyInput, updateKeyInput } from "./key-input";
import { SCOPES } from "../scopes";

// As the API's guard and the server actions call them: the input parsed with the route catalog's schema
// (lib/api-routes.ts), then the operation. Validation failures must leave nothing written.
const createKey = async (actor: Actor, input: unknown) => createParsed(actor, parseOrThrow(createKeyInput, input));
const updateKey = async (actor: Actor, keyId: string, input: unknown) =>
  updateParsed(actor, keyId, parseOrThrow(updateKeyInput, input));
const rotateKey = async (actor: Actor, keyId: string, input: unknown) =>
  rotateParsed(actor, keyId, parseOrThrow(rotateKeyInput, input));
const revokeKey = async (actor: Actor, keyId: string, input: unknown) =>
  revokeParsed(actor, keyId, parseOrThrow(revokeKeyInput, input));

const KNOWN = SCOPES.join(", ");

describe("createKey validation: 400 validation_failed naming the field, nothing written", () => {
  test.each([
    [
      "unknown scope",
      { scopes: ["inventory:read", "offers:admin"] },
      [{ field: "scopes.1", message: `unknown scope "offers:admin"; known scopes: ${KNOWN}` }],
    ],
    [
      "bad CIDR",
      { ipAllowlist: ["10.0.0.0/33"] },
      [
        {
          field: "ipAllowlist.0",
          message: '"10.0.0.0/33" is not an IPv4 (dotted decimal) or IPv6 address or CIDR range',
        },
      ],
    ],
    [
      "not an address",
      { ipAllowlist: ["example.com"] },
      [
        {
          field: "ipAllowlist.0",
          message: '"example.com" is not an IPv4 (dotted decimal) or IPv6 address or CIDR range',
        },
      ],
    ],
    [
      "expiry in the past",
      { expiresAt: new Date(Date.now() - 60_000).toISOString() },
      [{ field: "expiresAt", message: "must be in the future" }],
    ],
    [
      "expiry not a date",
      { expiresAt: "next tuesday" },
      [{ field: "expiresAt", message: "expected an ISO 8601 date-time" }],
    ],
    ["name too long (81 chars)", { name: "n".repeat(81) }, [{ field: "name", message: "at most 80 characters" }]],
    ["name blank", { name: "   " }, [{ field: "name", message: "is required" }]],
    ["unknown environment", { environment: "prod" }, [{ field: "environment", message: "expected live or test" }]],
    ["rate limit 0", { rateLimitPerMinute: 0 }, [{ field: "rateLimitPerMinute", message: "must be at least 1" }]],
    [
      "rate limit fractional",
      { rateLimitPerMinute: 1.5 },
      [{ field: "rateLimitPerMinute", message: "expected a whole number of requests per minute" }],
    ],
  ])("%s", async (_label, patch, issues) => {
    const owner = await makeUser();
    const before = await keyTableCounts();
    const err = await rejectionOf(createKey(owner, { name: "Valid name", scopes: [], ...patch }));
    expect(err.code).toBe("validation_failed");
    expect(err.status).toBe(400);
    expect(err.details).toEqual({ issues });
    expect(err.message).toBe(issues.map((i) => `${i.field}: ${i.message}`).join("; "));
    expect(await keyTableCounts()).toEqual(before);
  });

  it("an unknown field is refused and named", async () => {
    const owner = await makeUser();
    const before = await keyTableCounts();
    const err = await rejectionOf(createKey(owner, { name: "x", scopes: [], owner: "someone-else" }));
    expect(err.code).toBe("validation_failed");
    expect(err.message).toContain('"owner"');
    expect(await keyTableCounts()).toEqual(before);
  });
});

describe("updateKey validation", () => {
  test.each([
    ["unknown scope", { scopes: ["keys:admin"] }, "scopes.0", `unknown scope "keys:admin"; known scopes: ${KNOWN}`],
    [
      "bad CIDR",
      { ipAllowlist: ["300.1.1.1"] },
      "ipAllowlist.0",
      '"300.1.1.1" is not an IPv4 (dotted decimal) or IPv6 address or CIDR range',
    ],
    ["expiry in the past", { expiresAt: "2001-01-01T00:00:00Z" }, "expiresAt", "must be in the future"],
    ["name too long (81 chars)", { name: "n".repeat(81) }, "name", "at most 80 characters"],
    ["empty body", {}, "(body)", "send at least one field to change"],
  ])("%s", async (_label, input, field, message) => {
    const owner = await makeUser();
    const made = await makeKey(owner, { name: "Keep", scopes: ["inventory:read"] });
    const before = await keyTableCounts();
    const err = await rejectionOf(updateKey(owner, made.key.keyId, input));
    expect({ code: err.code, status: err.status, details: err.details }).toEqual({
      code: "validation_failed",
      status: 400,
      details: { issues: [{ field, message }] },
    });
    expect(await keyTableCounts()).toEqual(before);
    expect((await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId } })).name).toBe("Keep");
  });

  it("an unknown field is refused and named", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner);
    const err = await rejectionOf(updateKey(owner, made.key.keyId, { status: "active" }));
    expect(err.code).toBe("validation_failed");
    expect(err.message).toContain('"status"');
  });
});

describe("rotateKey validation", () => {
  test.each([
    ["-1", -1, "must be 0 or more"],
    ["30 days + 1 s", 30 * 86_400 + 1, "at most 2592000 (30 days)"],
    ["fractional", 1.5, "expected a whole number of seconds"],
    ["a string", "60", "expected a whole number of seconds"],
  ])("graceSeconds %s is refused and nothing is written", async (_label, graceSeconds, message) => {
    const owner = await makeUser();
    const made = await makeKey(owner);
    const before = await keyTableCounts();
    const err = await rejectionOf(rotateKey(owner, made.key.keyId, { graceSeconds }));
    expect({ code: err.code, message: err.message }).toEqual({
      code: "validation_failed",
      message: `graceSeconds: ${message}`,
    });
    expect(await keyTableCounts()).toEqual(before);
  });

  it("graceSeconds at the 30-day bound is accepted", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner);
    const rotated = await rotateKey(owner, made.key.keyId, { graceSeconds: 30 * 86_400 });
    expect(rotated.key.secretsInGrace).toHaveLength(1);
  });

  it("an unknown field is refused", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner);
    const err = await rejectionOf(rotateKey(owner, made.key.keyId, { grace: 10 }));
    expect(err.code).toBe("validation_failed");
    expect(err.message).toContain('"grace"');
  });
});

describe("revocation is final", () => {
  it("a revoked key cannot be updated (nor un-revoked by a new expiry), rotated or revoked again: 409 and nothing written", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    const revoked = await revokeKey(owner, made.key.keyId, { reason: "compromised" });
    const before = await keyTableCounts();

    const update = await rejectionOf(
      updateKey(owner, made.key.keyId, { expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
    );
    expect({ code: update.code, status: update.status, message: update.message }).toEqual({
      code: "conflict",
      status: 409,
      message: `${made.key.keyId} is revoked; a revoked key cannot be changed.`,
    });
    const rotate = await rejectionOf(rotateKey(owner, made.key.keyId, { graceSeconds: 0 }));
    expect({ code: rotate.code, status: rotate.status, message: rotate.message }).toEqual({
      code: "conflict",
      status: 409,
      message: `${made.key.keyId} is revoked; only an active key can be rotated.`,
    });
    const again = await rejectionOf(revokeKey(owner, made.key.keyId, { reason: "twice" }));
    expect({ code: again.code, status: again.status, message: again.message }).toEqual({
      code: "conflict",
      status: 409,
      message: `${made.key.keyId} was already revoked on ${revoked.revokedAt}.`,
    });

    expect(await keyTableCounts()).toEqual(before);
    const row = await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId } });
    expect({ status: row.status, revokedReason: row.revokedReason }).toEqual({
      status: "revoked",
      revokedReason: "compromised",
    });
  });

  it("revoke needs a reason", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner);
    const err = await rejectionOf(revokeKey(owner, made.key.keyId, {}));
    expect({ code: err.code, details: err.details }).toEqual({
      code: "validation_failed",
      details: { issues: [{ field: "reason", message: expect.any(String) }] },
    });
    expect((await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId } })).status).toBe("active");
  });

  it("an expired key cannot be rotated", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner);
    await db().apiKey.update({ where: { keyId: made.key.keyId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const err = await rejectionOf(rotateKey(owner, made.key.keyId, {}));
    expect({ code: err.code, message: err.message }).toEqual({
      code: "conflict",
      message: `${made.key.keyId} is expired; only an active key can be rotated.`,
    });
  });
});
