import { describe, expect, test } from "vitest";
import { safeCallbackPath } from "@/components/auth/callback-url";

// The values as the sign-in page receives them: searchParams are already percent-decoded once.
describe("safeCallbackPath refuses anything that could leave the site", () => {
  test.each([
    ["tab after the first slash", "/\t/evil.example"],
    ["newline after the first slash", "/\n/evil.example"],
    ["carriage return after the first slash", "/\r/evil.example"],
    ["tab before the first slash", "\t//evil.example"],
    ["NUL byte", "/\u0000/evil.example"],
    ["DEL", "/\u007f/evil.example"],
    ["backslash after the first slash", "/\\evil.example"],
    ["two backslashes", "/\\\\evil.example"],
    ["backslash later in the path", "/keys\\..\\..\\/evil.example"],
    ["protocol-relative", "//evil.example"],
    ["protocol-relative with a path", "//evil.example/keys"],
    ["dot segment collapsing to protocol-relative", "/.//evil.example"],
    ["dot-dot segment collapsing to protocol-relative", "/..//evil.example"],
    ["nested dot-dot collapsing to protocol-relative", "/a/../..//evil.example"],
    ["absolute https URL", "https://evil.example/"],
    ["absolute URL without slashes", "https:evil.example"],
    ["javascript: URL", "javascript:alert(1)"],
    ["javascript: URL after a slash-less space", " javascript:alert(1)"],
    ["data: URL", "data:text/html,<script>alert(1)</script>"],
    ["encoded protocol-relative without a leading slash", "%2F%2Fevil.example"],
    ["relative path", "keys"],
    ["empty", ""],
    ["very long", `/${"a".repeat(5000)}`],
    ["the sign-in page (a loop)", "/sign-in"],
    ["the sign-in page with a query", "/sign-in?callbackUrl=%2Fkeys"],
    ["the sign-in page reached through a dot segment", "/./sign-in"],
    ["the sign-up page", "/sign-up"],
  ])("%s", (_name, raw) => {
    expect(safeCallbackPath(raw)).toBe("/");
    expect(safeCallbackPath(raw, "/keys")).toBe("/keys");
  });

  test("null and undefined fall back", () => {
    expect(safeCallbackPath(null)).toBe("/");
    expect(safeCallbackPath(undefined, "/keys")).toBe("/keys");
  });

  test("never throws, whatever the input", () => {
    const nasty = ["/%", "/%zz", "/\ud800", "/[::1", "/?%", "/#%", `/${"%".repeat(100)}`];
    for (const raw of nasty) expect(() => safeCallbackPath(raw)).not.toThrow();
  });

  test("whatever it returns is a single-slash path with no control characters or backslashes", () => {
    const samples = ["/ok", "/\t/x", "/./x", "/ /x", "/%09/x", "/é?q=1", "/a//b", "/\u2028/x"];
    for (const raw of samples) {
      const out = safeCallbackPath(raw);
      expect(out).toMatch(/^\/(?!\/)/);
      expect(out).not.toMatch(/[\u0000-\u001f\u007f\\]/);
    }
  });
});

describe("safeCallbackPath keeps paths on this site", () => {
  test.each([
    ["/", "/"],
    ["/keys", "/keys"],
    ["/keys?status=revoked", "/keys?status=revoked"],
    ["/logs?from=2026-01-01&to=2026-01-02#chart", "/logs?from=2026-01-01&to=2026-01-02#chart"],
    ["/keys?next=//evil.example", "/keys?next=//evil.example"],
    ["/keys/key_123", "/keys/key_123"],
    ["/a//b", "/a//b"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/keys/../logs", "/logs"],
    ["/sign-in-help", "/sign-in-help"],
    ["/é", "/%C3%A9"],
    ["/a b", "/a%20b"],
  ])("%s -> %s", (raw, want) => {
    expect(safeCallbackPath(raw)).toBe(want);
  });
});
