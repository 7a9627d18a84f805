import "server-only";
import proxyAddr from "proxy-addr";
import type { Env } from "../config/env";
import { services } from "../services";

/**
 * The caller's IP, as the Keyward server saw the socket. scripts/server.ts sets x-keyward-client-ip from the
 * socket and drops any copy a client sent, so it cannot be spoofed.
 *
 * Behind reverse proxies (KEYWARD_TRUST_PROXY=1), the address comes from X-Forwarded-For through proxy-addr,
 * trusting exactly KEYWARD_TRUSTED_PROXY_HOPS hops: each trusted proxy appends the address it saw, so the entry
 * that many places from the right is the first one no client could have written. The left-most entry is
 * whatever the client sent and is never trusted unless every hop before it was a trusted proxy.
 */
export const CLIENT_IP_HEADER = "x-keyward-client-ip";

type ProxySettings = Pick<Env, "KEYWARD_TRUST_PROXY" | "KEYWARD_TRUSTED_PROXY_HOPS">;

export function clientIp(headers: Headers, proxy: ProxySettings = services().env): string | null {
  const socket = headers.get(CLIENT_IP_HEADER);
  if (socket === null) {
    // `next dev` has no Keyward server in front; its x-forwarded-for is the best there is.
    const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    return forwarded ? normaliseIp(forwarded) : null;
  }
  if (proxy.KEYWARD_TRUST_PROXY !== "1") return normaliseIp(socket);
  const hops = proxy.KEYWARD_TRUSTED_PROXY_HOPS;
  const forwardedFor = headers.get("x-forwarded-for");
  const request = {
    headers: forwardedFor === null ? {} : { "x-forwarded-for": forwardedFor },
    connection: { remoteAddress: socket },
    socket: { remoteAddress: socket },
  };
  // Index 0 is the socket (the nearest proxy); indexes 1..hops-1 are the proxies behind it.
  return normaliseIp(proxyAddr(request as unknown as Parameters<typeof proxyAddr>[0], (_addr, i) => i < hops));
}

function normaliseIp(ip: string): string {
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) reads better, and matches allowlists, as plain IPv4.
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}
