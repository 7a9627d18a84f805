import "server-only";
import dns from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Where a webhook may be delivered. Only http(s) URLs; and unless KEYWARD_WEBHOOK_ALLOW_PRIVATE=1, only public
 * unicast addresses: loopback, private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * multicast, unique-local and every other special range are refused, so a registered URL cannot be used to
 * probe the network Keyward runs in. A host name is checked at delivery on every address it resolves to, and
 * the connection goes to a checked address (lookupPublicOnly), so DNS rebinding between check and connect
 * cannot slip through.
 */
export class TargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetRefused";
  }
}

/** Why an address may not be a webhook target, or null when it may (a public unicast address). */
export function refusedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  return range === "unicast" ? null : `${address} is a ${range} address`;
}

/** Hosts that name this machine without an address. */
const LOCAL_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/i;

/**
 * What can be checked without DNS (at registration): the scheme, credentials in the URL, and a host that is an
 * IP literal or a local name. Returns the problem, or null.
 */
export function urlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http:// or https:// URL";
  if (url.username || url.password) return "must not carry credentials";
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (LOCAL_NAMES.test(host)) return "must not point to this machine (loopback)";
  if (net.isIP(host)) {
    const reason = refusedAddressReason(host);
    if (reason) return `must be a public address (${reason})`;
  }
  return null;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A dns.lookup for http.request: resolves every address of the host, refuses the connection if any of them is
 * not public, and connects to one that was checked.
 */
export function lookupPublicOnly(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const refused = addresses.map((a) => refusedAddressReason(a.address)).find((r) => r !== null);
    if (refused) return callback(new TargetRefused(`${hostname} resolves to a non-public address: ${refused}`), []);
    if (addresses.length === 0) return callback(new TargetRefused(`${hostname} has no address`), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}

/** Checks the host of a URL before connecting: IP literals are not looked up by Node, so they are checked here. */
export function assertLiteralTargetAllowed(url: URL, allowPrivate: boolean): void {
  const problem = urlProblem(url.toString(), allowPrivate);
  if (problem) throw new TargetRefused(`${url.origin} ${problem}`);
}
