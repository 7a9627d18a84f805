/**
 * CSRF defence for everything a dashboard session can change (server actions, next-auth's sign-in and
 * sign-out, session calls to /api/v1): the browser must say the request comes from our own origin.
 *
 * - A browser that sends `Sec-Fetch-Site` (every current one) is believed: only `same-origin` passes. A page
 *   cannot forge it, and it is right behind proxies that rewrite Host.
 * - Otherwise the `Origin` must equal the public origin (scheme, host and port of NEXTAUTH_URL; without it, the
 *   request's own origin). `Origin: null`, another scheme or port, or no Origin at all is refused: a write
 *   without either header is not something our pages send.
 *
 * Plain functions with no server dependencies: proxy.ts and the API-key guard both call them.
 */

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isStateChanging(method: string): boolean {
  return UNSAFE_METHODS.has(method.toUpperCase());
}

function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

export type SameOriginVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether a state-changing request with a session may proceed. `publicUrl` is NEXTAUTH_URL when set;
 * `requestUrl` the URL the server saw (its origin is the fallback).
 */
export function checkSameOrigin(
  headers: Pick<Headers, "get">,
  publicUrl: string | undefined,
  requestUrl: string,
): SameOriginVerdict {
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite !== null) {
    return fetchSite.trim().toLowerCase() === "same-origin"
      ? { ok: true }
      : { ok: false, reason: `Sec-Fetch-Site is ${JSON.stringify(fetchSite.slice(0, 40))}, not same-origin` };
  }
  const origin = headers.get("origin");
  if (origin === null) return { ok: false, reason: "the request has neither Origin nor Sec-Fetch-Site" };
  const expected = originOf(publicUrl) ?? originOf(requestUrl);
  const presented = originOf(origin);
  if (presented !== null && presented === expected) return { ok: true };
  return { ok: false, reason: `Origin ${JSON.stringify(origin.slice(0, 100))} is not ${expected ?? "this server"}` };
}

export const CROSS_SITE_MESSAGE =
  "Cross-site requests with a dashboard session are not allowed: send the request from Keyward's own pages, or use an API key.";
