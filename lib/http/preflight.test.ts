import { describe, expect, it, test } from "vitest";
import { generateSecret } from "../keys/key-format";
import { REDACTED_SECRET } from "../security/redact-secrets";
import { preflight, preflightLogEntry } from "./preflight";

describe("preflight: what reaches Next.js", () => {
  test.each([
    ["GET", "/api/v1/inventory"],
    ["GET", "/api/v1/inventory/abc?x=1"],
    ["HEAD", "/api/v1/offers"],
    ["POST", "/api/v1/keys/kw_live_AAAAAAAAAAAAAAAA/rotate"],
    ["PATCH", "/api/v1/keys/kw_live_AAAAAAAAAAAAAAAA"],
    ["GET", "/api/v1/openapi.json"],
    ["POST", "/api/v1/leaks"],
    ["POST", "/api/v1/keys/import"],
    ["POST", "/api/v1/webhooks/abc/deliveries/def/redeliver"],
    ["OPTIONS", "/api/v1/keys"],
    ["GET", "/keys/anything"],
    ["POST", "/sign-up"],
    ["GET", "/api/health"],
  ])("%s %s passes untouched", (method, url) => {
    expect(preflight(method, url)).toEqual({ kind: "pass" });
  });

  test.each([
    ["/api/v1/keys/%FF", "/api/v1/keys/%25FF"],
    ["/api/v1/keys/%FF?limit=1", "/api/v1/keys/%25FF?limit=1"],
    ["/api/v1/offers/%E0%A4%A", "/api/v1/offers/%25E0%25A4%25A"],
    ["/keys/%", "/keys/%25"],
  ])("a path that is not valid percent-encoded UTF-8 (%s) goes on with its %% escaped", (url, rewritten) => {
    expect(preflight("GET", url)).toEqual({ kind: "pass", url: rewritten });
  });

  test.each([["/api/v1/inventory/"], ["/api/v1//inventory"]])(
    "an API path with a doubled or trailing slash (%s) goes on as the route it names",
    (url) => {
      expect(preflight("GET", `${url}?limit=1`)).toEqual({ kind: "pass", url: "/api/v1/inventory?limit=1" });
    },
  );

  test.each([["/api/v1/inventory/.."], ["/api/v1/offers/%2e%2e/withdraw"], ["/api/v1/./keys"], ["/api/v1/keys/%2E"]])(
    "an API path with a dot segment (%s) is a logged 404, not Next's redirect",
    (url) => {
      const verdict = preflight("GET", url);
      expect(verdict).toMatchObject({ kind: "refuse", route: null, logged: true });
      if (verdict.kind === "refuse") expect(verdict.error.code).toBe("not_found");
    },
  );

  test.each([["TRACE"], ["CONNECT"], ["PROPFIND"], ["BREW"]])("%s is a 405 in the error body", (method) => {
    const verdict = preflight(method, "/api/v1/inventory");
    expect(verdict).toMatchObject({ kind: "refuse", route: "/api/v1/inventory", logged: true });
    if (verdict.kind !== "refuse") throw new Error("unreachable");
    expect(verdict.error.code).toBe("method_not_allowed");
    expect(verdict.error.headers?.Allow).toContain("GET");
  });

  it("an unknown method on a page is refused too, but is not partner traffic (not logged)", () => {
    expect(preflight("TRACE", "/")).toMatchObject({ kind: "refuse", route: null, logged: false });
  });

  it("a path under /api/v1/ the catalog does not hold is a logged 404", () => {
    const verdict = preflight("GET", "/api/v1/nope");
    expect(verdict).toMatchObject({ kind: "refuse", route: null, logged: true });
    if (verdict.kind === "refuse") expect(verdict.error.code).toBe("not_found");
  });

  test.each([
    ["PUT", "/api/v1/inventory", "GET, HEAD, OPTIONS"],
    ["DELETE", "/api/v1/keys/kw_live_AAAAAAAAAAAAAAAA", "GET, PATCH, HEAD, OPTIONS"],
    ["GET", "/api/v1/keys/x/revoke", "POST, OPTIONS"],
    // The literal segment wins over /api/v1/keys/{keyId}, as in Next.js.
    ["GET", "/api/v1/keys/import", "POST, OPTIONS"],
  ])("%s %s is a logged 405 naming what the path takes", (method, url, allow) => {
    const verdict = preflight(method, url);
    expect(verdict).toMatchObject({ kind: "refuse", logged: true });
    if (verdict.kind !== "refuse") throw new Error("unreachable");
    expect(verdict.error.code).toBe("method_not_allowed");
    expect(verdict.error.headers?.Allow).toBe(allow);
  });
});

describe("preflightLogEntry", () => {
  it("records the request like the guard does, with secrets redacted and no query string", () => {
    const secret = generateSecret("live");
    const entry = preflightLogEntry(
      {
        method: "TRACE",
        url: `/api/v1/offers/${secret}?cursor=${secret}`,
        headers: new Headers({
          "user-agent": `bot ${secret}`,
          "x-api-key": "kw_live_AAAAAAAAAAAAAAAA",
          "x-keyward-client-ip": "203.0.113.9",
        }),
      },
      {
        requestId: "req_1",
        receivedAt: 1_800_000_000_000,
        status: 405,
        errorCode: "method_not_allowed",
        route: null,
        latencyMs: 1,
      },
    );
    expect(entry).toMatchObject({
      requestId: "req_1",
      timestamp: 1_800_000_000_000,
      method: "TRACE",
      route: "(no route)",
      path: `/api/v1/offers/${REDACTED_SECRET}`,
      userAgent: `bot ${REDACTED_SECRET}`,
      keyId: "kw_live_AAAAAAAAAAAAAAAA",
      ip: "203.0.113.9",
      status: 405,
      errorCode: "method_not_allowed",
      apiKeyId: null,
      ownerId: null,
    });
  });

  it("never records a secret sent as the key id", () => {
    const entry = preflightLogEntry(
      { method: "GET", url: "/api/v1/nope", headers: new Headers({ "x-api-key": generateSecret("test") }) },
      { requestId: "req_2", receivedAt: Date.now(), status: 404, errorCode: "not_found", route: null, latencyMs: 0 },
    );
    expect(entry.keyId).toBeNull();
  });
});
