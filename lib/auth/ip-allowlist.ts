import ipaddr from "ipaddr.js";

type ParsedRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parse "203.0.113.7", "2001:db8::1", "10.0.0.0/8" or "2001:db8::/32"; null when it is none of these. */
export function parseIpRange(entry: string): ParsedRange | null {
  const text = entry.trim();
  try {
    if (text.includes("/")) {
      const [addr, bits] = ipaddr.parseCIDR(text);
      return [normalise(addr), addr.kind() === "ipv6" && normalise(addr).kind() === "ipv4" ? bits - 96 : bits];
    }
    if (!ipaddr.isValid(text)) return null;
    const addr = normalise(ipaddr.parse(text));
    return [addr, addr.kind() === "ipv4" ? 32 : 128];
  } catch {
    return null;
  }
}

function normalise(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (addr as ipaddr.IPv6).toIPv4Address();
  }
  return addr;
}

export function isValidIpRange(entry: string): boolean {
  const parsed = parseIpRange(entry);
  return parsed !== null && parsed[1] >= 0;
}

/** An empty allowlist allows every address. */
export function compileAllowlist(entries: readonly string[]): (ip: string | null) => boolean {
  if (entries.length === 0) return () => true;
  const ranges = entries.map(parseIpRange).filter((r): r is ParsedRange => r !== null);
  return (ip) => {
    if (!ip || !ipaddr.isValid(ip)) return false;
    const addr = normalise(ipaddr.parse(ip));
    return ranges.some(([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits));
  };
}
