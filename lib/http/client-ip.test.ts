import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip";

const h = (o: Record<string, string>) => new Headers(o);
const NO_PROXY = { KEYWARD_TRUST_PROXY: "0", KEYWARD_TRUSTED_PROXY_HOPS: 1 } as const;

describe("clientIp", () => {
  it("uses the address the Keyward server stamped from the socket, ignoring client-sent forwarding headers", () => {
    expect(clientIp(h({ "x-keyward-client-ip": "192.0.2.5", "x-forwarded-for": "10.0.0.1" }), NO_PROXY)).toBe(
      "192.0.2.5",
    );
  });

  it("reads IPv4-mapped IPv6 as IPv4", () => {
    expect(clientIp(h({ "x-keyward-client-ip": "::ffff:127.0.0.1" }), NO_PROXY)).toBe("127.0.0.1");
  });

  it.each([
    // [X-Forwarded-For as received, trusted hops, expected]
    ["10.0.0.1, 203.0.113.9", 1, "203.0.113.9"], // the client forged 10.0.0.1; the proxy appended the real one
    ["203.0.113.9", 1, "203.0.113.9"],
    ["10.0.0.1, 203.0.113.9, 172.16.0.2", 2, "203.0.113.9"], // two proxies: CDN then load balancer
    // Fewer entries than hops: the request skipped the outer proxy, and the inner one wrote what it saw.
    ["203.0.113.9", 2, "203.0.113.9"],
  ])("behind trusted proxies counts X-Forwarded-For from the right: %s (hops %s)", (xff, hops, expected) => {
    const env = { KEYWARD_TRUST_PROXY: "1" as const, KEYWARD_TRUSTED_PROXY_HOPS: hops };
    expect(clientIp(h({ "x-forwarded-for": xff, "x-keyward-client-ip": "192.0.2.5" }), env)).toBe(expected);
  });

  it("behind a trusted proxy that sent no X-Forwarded-For, the socket is the client", () => {
    const env = { KEYWARD_TRUST_PROXY: "1" as const, KEYWARD_TRUSTED_PROXY_HOPS: 1 };
    expect(clientIp(h({ "x-keyward-client-ip": "192.0.2.5" }), env)).toBe("192.0.2.5");
  });
});
