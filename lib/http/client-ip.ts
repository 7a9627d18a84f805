import type { Env } from "../config/env";
import { services } from "../services";

/**
 * The caller's IP, as the Keyward server saw the socket. scripts/server.ts sets x-keyward-client-ip from the
 * socket and drops any copy a client sent, so it cannot be spoofed.
 *
 * Behind reverse proxies (KEYWARD_TRUST_PROXY=1), the address comes from X-Forwarded-For, counted from the
 * right: each trusted proxy appends the address it saw, so the entry KEYWARD_TRUSTED_PROXY_HOPS (default 1)
 * from the right is the first one no client could have written. The left-most entry is whatever the client
 * sent and must never be trusted.
 */
export const CLIENT_IP_HEADER = "x-keyward-client-ip";

export type ProxySettings = Pick<Env, "KEYWARD_TRUST_PROXY" | "KEYWARD_TRUSTED_PROXY_HOPS">;

export function clientIp(headers: Headers, proxy: ProxySettings = services().env): string | null {
  if (proxy.KEYWARD_TRUST_PROXY === "1") {
    const hops = proxy.KEYWARD_TRUSTED_PROXY_HOPS;
    const chain = (headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const fromProxy = chain[chain.length - hops];
    if (fromProxy) return normaliseIp(fromProxy);
  }
  const fromServer = headers.get(CLIENT_IP_HEADER);
  if (fromServer) return normaliseIp(fromServer);
  // `next dev` has no Keyward server in front; its x-forwarded-for is the best there is.
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded ? normaliseIp(forwarded) : null;
}

export function normaliseIp(ip: string): string {
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) reads better, and matches allowlists, as plain IPv4.
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}
