import { NextResponse, type NextRequest } from "next/server";
import { errorBody } from "@/lib/error-body";
import { checkSameOrigin, CROSS_SITE_MESSAGE, isStateChanging } from "@/lib/http/same-origin";
import { pageContentSecurityPolicy } from "@/lib/http/content-security-policy";
import { containsSecret, redactSecrets } from "@/lib/security/redact-secrets";
import { loadEnv, type Env } from "@/lib/config/env";

let env: Env | null = null;
/** The parsed configuration (the proxy runs apart from lib/services.ts, which would pull in the database). */
const settings = () => (env ??= loadEnv());

/**
 * Runs before every page and every /api/auth call (not /api/v1: the guard checks its own session writes, and
 * partner traffic should not pay for this):
 * - a state-changing request (a server action, next-auth's sign-in or sign-out) must come from our own origin
 *   (lib/http/same-origin.ts), else 403 in the API's error body, before Next.js parses it;
 * - pages get a Content-Security-Policy with a fresh nonce, which Next.js puts on its own scripts;
 * - a page address holding a Keyward secret is redirected to the same address with the secret redacted.
 */
export function proxy(request: NextRequest) {
  if (isStateChanging(request.method)) {
    const verdict = checkSameOrigin(request.headers, settings().NEXTAUTH_URL, request.url);
    if (!verdict.ok) {
      const requestId = `req_${Date.now().toString(36)}${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
      return NextResponse.json(
        errorBody({ code: "forbidden", message: CROSS_SITE_MESSAGE, details: { reason: verdict.reason } }, requestId),
        { status: 403, headers: { "X-Request-Id": requestId, "Cache-Control": "no-store" } },
      );
    }
  }
  if (request.nextUrl.pathname.startsWith("/api/")) return NextResponse.next();
  // A secret pasted into a page's address would be rendered back into the page (Next.js embeds the URL):
  // the same address with the secret redacted instead.
  const address = request.nextUrl.pathname + request.nextUrl.search;
  if (containsSecret(address)) return NextResponse.redirect(new URL(redactSecrets(address), request.url), 307);

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = pageContentSecurityPolicy(nonce, {
    dev: settings().NODE_ENV === "development",
    https: (settings().NEXTAUTH_URL ?? "").startsWith("https://"),
  });
  // Next.js reads the nonce from the request's CSP header and stamps it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: [
    // Pages and next-auth; not /api/v1 (guarded), the probes, the bench build's unguarded twin (it must do exactly
    // the guarded route's work minus the guard), or static files.
    "/((?!api/v1/|api/bench/|api/health|api/ready|api/metrics|_next/static|_next/image|favicon.ico).*)",
  ],
};
