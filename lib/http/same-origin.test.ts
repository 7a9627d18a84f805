import { describe, expect, test } from "vitest";
import { checkSameOrigin, isStateChanging } from "./same-origin";

const PUBLIC = "https://keys.example.com";
const headers = (h: Record<string, string>) => new Headers(h);

describe("checkSameOrigin (CSRF for session writes)", () => {
  test.each([
    ["Sec-Fetch-Site: same-origin", { "sec-fetch-site": "same-origin" }],
    ["Sec-Fetch-Site: same-origin, whatever the Origin", { "sec-fetch-site": "same-origin", origin: "http://x" }],
    ["the public origin", { origin: PUBLIC }],
    ["the public origin with its default port written out", { origin: "https://keys.example.com:443" }],
  ])("accepts %s", (_label, h) => {
    expect(checkSameOrigin(headers(h), PUBLIC, "http://10.0.0.5:3000/keys")).toEqual({ ok: true });
  });

  test.each([
    ["no Origin and no Sec-Fetch-Site", {}],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site", origin: PUBLIC }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "sec-fetch-site": "same-site" }],
    ["Sec-Fetch-Site: none", { "sec-fetch-site": "none" }],
    ["another host", { origin: "https://evil.example" }],
    ["another scheme", { origin: "http://keys.example.com" }],
    ["another port", { origin: "https://keys.example.com:8443" }],
    ["Origin: null", { origin: "null" }],
    ["a garbage Origin", { origin: "not a url" }],
    ["a suffix trick", { origin: "https://keys.example.com.evil.example" }],
  ])("refuses %s", (_label, h) => {
    const verdict = checkSameOrigin(headers(h), PUBLIC, "https://keys.example.com/keys");
    expect(verdict.ok).toBe(false);
  });

  test("without a public URL, the request's own origin is the one to match", () => {
    const url = "http://127.0.0.1:3000/api/v1/keys";
    expect(checkSameOrigin(headers({ origin: "http://127.0.0.1:3000" }), undefined, url)).toEqual({ ok: true });
    expect(checkSameOrigin(headers({ origin: "http://localhost:3000" }), undefined, url).ok).toBe(false);
  });

  test("only writes are checked", () => {
    expect(["POST", "PUT", "PATCH", "DELETE", "post"].every(isStateChanging)).toBe(true);
    expect(["GET", "HEAD", "OPTIONS"].some(isStateChanging)).toBe(false);
  });
});
