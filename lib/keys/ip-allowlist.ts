import "server-only";
import ipaddr from "ipaddr.js";

type ParsedRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

const IPV4_DOTTED_DECIMAL = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Only the unambiguous spellings: dotted-decimal IPv4 without leading zeros (inet_aton would read
 * "192.168.010.1" as octal, "10.1" or "0x7f.1" as something else entirely) and IPv6.
 */
function isStrictAddress(text: string): boolean {
  // Zone ids (fe80::1%eth0) name a local interface: meaningless for a remote client.
  return text.includes(":") ? !text.includes("%") && ipaddr.IPv6.isValid(text) : IPV4_DOTTED_DECIMAL.test(text);
}

/** Parse "203.0.113.7", "2001:db8::1", "10.0.0.0/8" or "2001:db8::/32"; null when it is none of these. */
function parseIpRange(entry: string): ParsedRange | null {
  const text = entry.trim();
  const [address, bits, ...rest] = text.split("/");
  if (!address || !isStrictAddress(address) || rest.length > 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits)))
    return null;
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

/** The canonical spelling of a valid entry ("10.0.0.0/8", "2001:db8::/32", "203.0.113.7"), stored as such. */
export function canonicalIpRange(entry: string): string {
  const parsed = parseIpRange(entry);
  if (!parsed) return entry.trim();
  const [addr, bits] = parsed;
  const full = addr.kind() === "ipv4" ? 32 : 128;
  if (bits === full) return addr.toString();
  // "10.1.2.3/8" means 10.0.0.0/8: store the network, so what the user reads is what is enforced.
  const cidr = `${addr.toString()}/${bits}`;
  const network =
    addr.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  return `${network.toString()}/${bits}`;
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

/** True when every address the inner entry allows is also allowed by the outer one. */
function rangeWithin(inner: string, outer: string): boolean {
  const a = parseIpRange(inner);
  const b = parseIpRange(outer);
  if (!a || !b || a[0].kind() !== b[0].kind()) return false;
  return a[1] >= b[1] && a[0].match(b[0], b[1]);
}

/** True when the inner allowlist allows nothing the outer one refuses (an empty list allows everything). */
export function allowlistWithin(inner: readonly string[], outer: readonly string[]): boolean {
  if (outer.length === 0) return true;
  if (inner.length === 0) return false;
  return inner.every((i) => outer.some((o) => rangeWithin(i, o)));
}
