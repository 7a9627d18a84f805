import "server-only";
import type { IncomingHttpHeaders } from "node:http";
import type { Env } from "../config/env";

type HeaderSettings = Pick<Env, "NEXTAUTH_URL" | "KEYWARD_TRUST_PROXY">;

/** Two years, subdomains included: the value hstspreload.org asks for. */
const HSTS = "max-age=63072000; includeSubDomains";

/** Features the dashboard never uses, turned off for it and anything it might embed. */
const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()";

/** JSON and CSV answers load nothing and may not be framed (pages get a nonce-based policy from proxy.ts). */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Whether the client reached Keyward over https: the public URL says so, or a trusted proxy does. */
export function servedOverHttps(headers: IncomingHttpHeaders, env: HeaderSettings): boolean {
  if (env.NEXTAUTH_URL?.startsWith("https://")) return true;
  if (env.KEYWARD_TRUST_PROXY !== "1") return false;
  return headerValue(headers["x-forwarded-proto"])?.split(",")[0]?.trim().toLowerCase() === "https";
}

/**
 * Headers every response carries, set by scripts/server.ts before Next.js answers: no MIME sniffing, no
 * framing, no referrer beyond our own origin, no powerful features, HSTS when served over https, and for
 * /api/ answers a Content-Security-Policy that allows nothing.
 */
export function securityHeaders(headers: IncomingHttpHeaders, env: HeaderSettings, path = ""): [string, string][] {
  const out: [string, string][] = [
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["Referrer-Policy", "same-origin"],
    ["Permissions-Policy", PERMISSIONS_POLICY],
  ];
  if (path.startsWith("/api/")) out.push(["Content-Security-Policy", API_CSP]);
  if (servedOverHttps(headers, env)) out.push(["Strict-Transport-Security", HSTS]);
  return out;
}
