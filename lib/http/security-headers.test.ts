import { describe, expect, it, test } from "vitest";
import { securityHeaders, servedOverHttps } from "./security-headers";
import { pageContentSecurityPolicy } from "./content-security-policy";

const plain = { NEXTAUTH_URL: "http://localhost:3000", KEYWARD_TRUST_PROXY: "0" as const };

describe("securityHeaders", () => {
  it("always: no sniffing, no framing, same-origin referrers, no powerful features", () => {
    const headers = Object.fromEntries(securityHeaders({}, plain, "/keys"));
    expect(headers).toEqual({
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "same-origin",
      "Permissions-Policy": expect.stringContaining("camera=()"),
    });
  });

  it("API answers get a policy that allows nothing", () => {
    const headers = Object.fromEntries(securityHeaders({}, plain, "/api/v1/keys?x=1"));
    expect(headers["Content-Security-Policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  test.each([
    ["an https public URL", { NEXTAUTH_URL: "https://keys.example.com", KEYWARD_TRUST_PROXY: "0" as const }, {}, true],
    [
      "a trusted proxy saying https",
      { ...plain, KEYWARD_TRUST_PROXY: "1" as const },
      { "x-forwarded-proto": "https" },
      true,
    ],
    [
      "a trusted proxy chain starting with https",
      { ...plain, KEYWARD_TRUST_PROXY: "1" as const },
      { "x-forwarded-proto": "https, http" },
      true,
    ],
    ["an untrusted X-Forwarded-Proto", plain, { "x-forwarded-proto": "https" }, false],
    ["plain http", plain, {}, false],
  ])("HSTS with %s: %s", (_label, env, headers, want) => {
    expect(servedOverHttps(headers, env)).toBe(want);
    const hsts = Object.fromEntries(securityHeaders(headers, env))["Strict-Transport-Security"];
    expect(hsts).toBe(want ? "max-age=63072000; includeSubDomains" : undefined);
  });
});

describe("pageContentSecurityPolicy", () => {
  it("allows scripts only with the nonce, forbids framing, plugins and foreign forms", () => {
    const csp = pageContentSecurityPolicy("abc123==", { dev: false, https: false });
    const directives = Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0], d]));
    expect(directives["script-src"]).toBe("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(directives["frame-ancestors"]).toBe("frame-ancestors 'none'");
    expect(directives["object-src"]).toBe("object-src 'none'");
    expect(directives["form-action"]).toBe("form-action 'self'");
    expect(directives["base-uri"]).toBe("base-uri 'self'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("development adds unsafe-eval (React's debugging); https upgrades stray http requests", () => {
    expect(pageContentSecurityPolicy("n", { dev: true, https: false })).toContain("'unsafe-eval'");
    expect(pageContentSecurityPolicy("n", { dev: false, https: true })).toContain("upgrade-insecure-requests");
  });
});
