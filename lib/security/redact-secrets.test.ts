import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { generateSecret } from "../keys/key-format";
import { containsSecret, REDACTED_SECRET, redactOptional, redactSecrets } from "./redact-secrets";

const live = generateSecret("live");
const test_ = generateSecret("test");
const bare = (secret: string) => secret.replace(/^kwsec_(live|test)_/, "");

describe("redactSecrets", () => {
  test.each([
    ["a path", `/api/v1/offers/${live}`, `/api/v1/offers/${REDACTED_SECRET}`],
    ["a query string", `/api/v1/logs?cursor=${test_}&limit=1`, `/api/v1/logs?cursor=${REDACTED_SECRET}&limit=1`],
    ["a user agent", `curl/8.0 (${live})`, `curl/8.0 (${REDACTED_SECRET})`],
    ["percent-encoded underscores", live.replace(/_/g, "%5F"), REDACTED_SECRET],
    ["lower-case percent-encoding", live.replace(/_/g, "%5f"), REDACTED_SECRET],
    ["two secrets", `${live} and ${test_}`, `${REDACTED_SECRET} and ${REDACTED_SECRET}`],
    ["a bare body (prefix cut off) that passes the checksum", `/x/${bare(live)}/y`, `/x/${REDACTED_SECRET}/y`],
    ["a bare test body", `token=${bare(test_)}`, `token=${REDACTED_SECRET}`],
    ["a bare body inside a longer run", `AAAA${bare(live)}BBBB`, `AAAA${REDACTED_SECRET}BBBB`],
    [
      "an error detail in JSON",
      JSON.stringify({ message: `No offer "${live}"` }),
      JSON.stringify({ message: `No offer "${REDACTED_SECRET}"` }),
    ],
  ])("removes a secret from %s", (_label, input, want) => {
    expect(redactSecrets(input)).toBe(want);
    expect(containsSecret(input)).toBe(true);
  });

  it("removes a prefixed secret with a wrong checksum too (a typo leaves all but one character of a real one)", () => {
    const typo = live.slice(0, -1) + (live.endsWith("A") ? "B" : "A");
    expect(redactSecrets(`/p/${typo}`)).toBe(`/p/${REDACTED_SECRET}`);
  });

  test.each([
    ["a path", "/api/v1/offers/cm9x2k3l40000abcd"],
    ["a key id", "kw_live_Kvna8dZ5vpyiX3U8"],
    [
      "a user agent",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36",
    ],
    ["49 base62 characters that are not a secret", "A".repeat(49)],
    ["a long hex token", "f".repeat(64)],
  ])("leaves %s alone", (_label, text) => {
    expect(redactSecrets(text)).toBe(text);
    expect(containsSecret(text)).toBe(false);
  });

  it("drops a run of base62 characters too long to search, rather than letting it cost unbounded CPU", () => {
    expect(redactSecrets(`ua ${"a".repeat(5000)} end`)).toBe(`ua ${REDACTED_SECRET} end`);
  });

  it("finds every generated secret wherever it sits in arbitrary text, and leaves no part of it", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.constantFrom("live", "test"),
        fc.boolean(),
        (before, after, env, prefixed) => {
          const secret = generateSecret(env as "live" | "test");
          const out = redactSecrets(before + (prefixed ? secret : bare(secret)) + after);
          expect(out).not.toContain(bare(secret).slice(0, 43));
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  it("redactOptional keeps null", () => {
    expect(redactOptional(null)).toBeNull();
    expect(redactOptional(live)).toBe(REDACTED_SECRET);
  });
});
