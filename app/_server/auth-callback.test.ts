import { afterEach, describe, expect, test } from "vitest";
import { unsafeCallbackRedirect } from "./auth-callback";
import { sameSiteRedirect, sessionOptions } from "./auth-options";
import { overrideServices } from "@/test/fixtures";
import { services } from "@/lib/services";

const BASE = "http://127.0.0.1:3000";

describe("sameSiteRedirect (next-auth's redirect callback)", () => {
  test.each([
    ["/keys", `${BASE}/keys`],
    ["/logs?range=7d#top", `${BASE}/logs?range=7d#top`],
    [`${BASE}/keys/kw_live_x`, `${BASE}/keys/kw_live_x`],
    ["/sign-in", `${BASE}/sign-in`],
    ["//evil.example", `${BASE}/`],
    ["%2F%2Fevil.example", `${BASE}/`],
    ["https://evil.example/keys", `${BASE}/`],
    ["javascript:alert(1)", `${BASE}/`],
    ["/\\evil.example", `${BASE}/`],
    ["/.//evil.example", `${BASE}/`],
    ["", `${BASE}/`],
  ])("%s -> %s", (url, want) => {
    expect(sameSiteRedirect({ url, baseUrl: BASE })).toBe(want);
  });
});

describe("unsafeCallbackRedirect (before next-auth, which answers 500 to these)", () => {
  test.each([
    ["javascript:alert(1)", "/"],
    ["%2F%2Fevil.example", "/"],
    ["data:text/html,x", "/"],
  ])("callbackUrl=%s is replaced by a same-site one with a 307", (value, path) => {
    const res = unsafeCallbackRedirect(new Request(`${BASE}/api/auth/signin?callbackUrl=${encodeURIComponent(value)}`));
    expect(res?.status).toBe(307);
    const location = new URL(res!.headers.get("location")!, BASE);
    expect(location.pathname).toBe("/api/auth/signin");
    expect(location.searchParams.get("callbackUrl")).toBe(`${BASE}${path}`);
  });

  test.each([["/keys"], [`${BASE}/logs`], ["https://evil.example/"]])(
    "callbackUrl=%s is left to next-auth (it parses, and the redirect callback keeps it on site)",
    (value) => {
      expect(
        unsafeCallbackRedirect(new Request(`${BASE}/api/auth/signin?callbackUrl=${encodeURIComponent(value)}`)),
      ).toBeNull();
    },
  );

  test.each([["next-auth.callback-url"], ["__Secure-next-auth.callback-url"]])(
    "an unparseable %s cookie is cleared",
    (name) => {
      const res = unsafeCallbackRedirect(
        new Request(`${BASE}/api/auth/session`, { headers: { cookie: `a=b; ${name}=javascript%3Aalert(1)` } }),
      );
      expect(res?.status).toBe(307);
      expect(res!.headers.get("set-cookie")).toMatch(new RegExp(`^${name.replace(/\./g, "\\.")}=; Path=/; Max-Age=0`));
    },
  );

  test("a request without any callback value passes", () => {
    expect(unsafeCallbackRedirect(new Request(`${BASE}/api/auth/csrf`, { headers: { cookie: "a=b" } }))).toBeNull();
  });
});

describe("session cookies", () => {
  let restore: (() => void) | null = null;
  afterEach(() => restore?.());

  test.each([
    ["https://keys.example.com", true],
    ["http://localhost:3000", false],
  ])("with NEXTAUTH_URL=%s they are Secure: %s", (url, secure) => {
    const env = { ...services().env, NEXTAUTH_URL: url };
    restore = overrideServices({ env: () => env });
    expect(sessionOptions.useSecureCookies).toBe(secure);
  });
});

test("a callbackUrl carrying a secret is replaced by its redacted form, so next-auth never keeps or echoes it", async () => {
  const { generateSecret } = await import("@/lib/keys/key-format");
  const secret = generateSecret("live");
  const res = unsafeCallbackRedirect(new Request(`${BASE}/api/auth/signin?callbackUrl=/logs/${secret}`));
  expect(res?.status).toBe(307);
  expect(res!.headers.get("location")).not.toContain(secret.slice(-49));
  expect(new URL(res!.headers.get("location")!, BASE).searchParams.get("callbackUrl")).toBe(
    `${BASE}/logs/[redacted-secret]`,
  );
});
