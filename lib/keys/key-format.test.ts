import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import {
  generateKeyId,
  generateSecret,
  isWellFormedKeyId,
  isWellFormedSecret,
  KEY_ID_PATTERN,
  lastFour,
  SECRET_PATTERN,
  secretEnvironment,
} from "./key-format";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

describe("key ids", () => {
  test.each(["live", "test"] as const)("%s ids match kw_<env>_<16 base62>", (env) => {
    for (let i = 0; i < 200; i++) {
      const id = generateKeyId(env);
      expect(id).toMatch(new RegExp(`^kw_${env}_[0-9A-Za-z]{16}$`));
      expect(isWellFormedKeyId(id)).toBe(true);
    }
  });

  it("are unique across many draws", () => {
    const ids = new Set(Array.from({ length: 5000 }, () => generateKeyId("live")));
    expect(ids.size).toBe(5000);
  });

  test.each([
    ["kw_prod_0123456789abcdef", "unknown environment"],
    ["kw_live_0123456789abcde", "15 chars"],
    ["kw_live_0123456789abcdefg", "17 chars"],
    ["kw_live_0123456789abcde-", "non-base62 char"],
    ["kwsec_live_0123456789abcdef", "secret prefix"],
    [" kw_live_0123456789abcdef", "leading space"],
    ["", "empty"],
  ])("rejects %j (%s)", (id) => {
    expect(isWellFormedKeyId(id)).toBe(false);
    expect(KEY_ID_PATTERN.test(id)).toBe(false);
  });
});

describe("secrets", () => {
  test.each(["live", "test"] as const)("%s secrets match kwsec_<env>_<43><6> and pass their checksum", (env) => {
    for (let i = 0; i < 200; i++) {
      const secret = generateSecret(env);
      expect(secret).toMatch(new RegExp(`^kwsec_${env}_[0-9A-Za-z]{49}$`));
      expect(SECRET_PATTERN.test(secret)).toBe(true);
      expect(isWellFormedSecret(secret)).toBe(true);
      expect(secretEnvironment(secret)).toBe(env);
    }
  });

  it("are unique across many draws", () => {
    const secrets = new Set(Array.from({ length: 5000 }, () => generateSecret("test")));
    expect(secrets.size).toBe(5000);
  });

  it("fails the checksum when any single character changes (every position, every other base62 char)", () => {
    const secret = generateSecret("live");
    const prefixLength = "kwsec_live_".length;
    let tried = 0;
    for (let pos = 0; pos < secret.length; pos++) {
      for (const replacement of BASE62) {
        if (replacement === secret[pos]) continue;
        const changed = secret.slice(0, pos) + replacement + secret.slice(pos + 1);
        tried++;
        if (isWellFormedSecret(changed)) {
          throw new Error(`changing position ${pos} to "${replacement}" still passed: ${changed}`);
        }
      }
      // A non-base62 character breaks the shape, in the prefix as in the body.
      expect(isWellFormedSecret(secret.slice(0, pos) + "_" + secret.slice(pos + 1))).toBe(
        pos === prefixLength - 1 || pos === 5,
      );
    }
    // 61 other base62 chars per position; the two underscores are not base62, so all 62 apply there.
    expect(tried).toBe(secret.length * 61 + 2);
  });

  it("a live secret relabelled as test fails the checksum (the environment is covered)", () => {
    const secret = generateSecret("live");
    const relabelled = secret.replace(/^kwsec_live_/, "kwsec_test_");
    expect(SECRET_PATTERN.test(relabelled)).toBe(true);
    expect(isWellFormedSecret(relabelled)).toBe(false);
  });

  test.each([
    ["", "empty"],
    ["kwsec_live_", "no body"],
    ["kwsec_prod_" + "a".repeat(49), "unknown environment"],
    ["kw_live_" + "a".repeat(49), "key id prefix"],
  ])("rejects %j (%s)", (text) => {
    expect(isWellFormedSecret(text)).toBe(false);
    expect(secretEnvironment(text)).toBeNull();
  });

  it("rejects any string of a secret's shape that was not generated (the checksum, not the shape, decides)", () => {
    const lookalike = fc.stringMatching(/^kwsec_(live|test)_[0-9A-Za-z]{49}$/);
    fc.assert(fc.property(lookalike, (text) => !isWellFormedSecret(text)));
  });

  it("rejects arbitrary text, and never throws on it", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (text) => !isWellFormedSecret(text)));
  });

  it("rejects a secret one character too short or too long", () => {
    const secret = generateSecret("test");
    expect(isWellFormedSecret(secret.slice(0, -1))).toBe(false);
    expect(isWellFormedSecret(secret + "0")).toBe(false);
  });

  it("lastFour is the secret's last four characters", () => {
    const secret = generateSecret("live");
    expect(lastFour(secret)).toHaveLength(4);
    expect(secret.endsWith(lastFour(secret))).toBe(true);
  });
});
