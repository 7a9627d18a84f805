import { createHmac } from "node:crypto";
import { describe, expect, it, test } from "vitest";
import { hashesEqual, hashSecret } from "./secret-hash";
import { generateSecret } from "./key-format";

describe("hashSecret", () => {
  it("is HMAC-SHA-256 of the secret under the configured pepper (test-pepper), as hex", () => {
    const secret = generateSecret("live");
    const expected = createHmac("sha256", "test-pepper-0123456789abcdef0123456789")
      .update(secret, "utf8")
      .digest("hex");
    expect(hashSecret(secret)).toBe(expected);
    expect(hashSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is deterministic for one pepper", () => {
    const secret = generateSecret("test");
    expect(hashSecret(secret, "p1")).toBe(hashSecret(secret, "p1"));
  });

  it("differs with a different pepper and for a different secret", () => {
    const secret = generateSecret("test");
    expect(hashSecret(secret, "p1")).not.toBe(hashSecret(secret, "p2"));
    expect(hashSecret(secret, "p1")).not.toBe(hashSecret(generateSecret("test"), "p1"));
  });

  it("never contains the secret", () => {
    const secret = generateSecret("live");
    expect(hashSecret(secret)).not.toContain(secret.slice(11, 30));
  });
});

describe("hashesEqual", () => {
  const a = hashSecret("kwsec_live_a");
  const b = hashSecret("kwsec_live_b");

  test.each([
    ["the same digest", a, a, true],
    ["the same digest in upper case", a, a.toUpperCase(), true],
    ["different digests", a, b, false],
    ["a prefix of the digest (length mismatch)", a, a.slice(0, 32), false],
    ["one byte longer", a, a + "00", false],
    ["both empty", "", "", false],
    ["one empty", a, "", false],
    ["non-hex text", "zz", "zz", false],
  ])("%s -> %s", (_label, left, right, expected) => {
    expect(hashesEqual(left, right)).toBe(expected);
    expect(hashesEqual(right, left)).toBe(expected);
  });

  // Buffer.from(x, "hex") stops at the first non-hex character; the comparison must not.
  it("a digest with trailing non-hex garbage is not equal to the digest", () => {
    expect(hashesEqual(a, a + "zz")).toBe(false);
  });
});
