/**
 * The caller's IP, as the Keyward server saw the socket. scripts/server.ts sets x-keyward-client-ip from the
 * socket and drops any copy a client sent, so it cannot be spoofed. Next's own x-forwarded-for is set only
 * when the client did not send one, so it is trusted only behind a proxy (KEYWARD_TRUST_PROXY=1), where the
 * proxy must overwrite it.
 */
export const CLIENT_IP_HEADER = "x-keyward-client-ip";

export function clientIp(headers: Headers): string | null {
  if (process.env.KEYWARD_TRUST_PROXY === "1") {
    const first = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (first) return normaliseIp(first);
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
