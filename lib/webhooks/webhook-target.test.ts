import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookupPublicOnly, refusedAddressReason, TargetRefused, urlProblem } from "./webhook-target";
import { sendWebhook } from "./send-webhook";

describe("refusedAddressReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["fe80::1", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["fd00::1", "uniqueLocal"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
  ])("refuses %s (%s)", (address, range) => {
    expect(refusedAddressReason(address)).toBe(`${address} is a ${range} address`);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("allows public %s", (address) => {
    expect(refusedAddressReason(address)).toBeNull();
  });
});

describe("urlProblem (registration)", () => {
  it.each([
    ["ftp://example.com/x", "must be an http:// or https:// URL"],
    ["file:///etc/passwd", "must be an http:// or https:// URL"],
    ["http://user:pw@example.com/", "must not carry credentials"],
    ["http://localhost:3000/hook", "must not point to this machine (loopback)"],
    ["http://api.localhost/hook", "must not point to this machine (loopback)"],
    ["http://127.0.0.1/hook", "must be a public address (127.0.0.1 is a loopback address)"],
    ["http://[::1]:8080/", "must be a public address (::1 is a loopback address)"],
    ["http://169.254.169.254/latest/meta-data", "must be a public address (169.254.169.254 is a linkLocal address)"],
    ["http://10.0.0.5/", "must be a public address (10.0.0.5 is a private address)"],
    ["not a url", "is not a URL"],
  ])("%s: %s", (url, problem) => {
    expect(urlProblem(url, false)).toBe(problem);
  });

  it("accepts public URLs, and private ones when allowed", () => {
    expect(urlProblem("https://hooks.example.com/keyward", false)).toBeNull();
    expect(urlProblem("http://8.8.8.8/", false)).toBeNull();
    expect(urlProblem("http://127.0.0.1:9999/hook", true)).toBeNull();
    expect(urlProblem("ftp://127.0.0.1/", true)).toBe("must be an http:// or https:// URL");
  });
});

describe("at delivery", () => {
  let server: http.Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("lookupPublicOnly refuses a name that resolves to loopback", async () => {
    const err = await new Promise<Error | null>((resolve) => lookupPublicOnly("localhost", {}, (e) => resolve(e)));
    expect(err).toBeInstanceOf(TargetRefused);
    expect(err!.message).toMatch(/^localhost resolves to a non-public address: .* is a loopback address$/);
  });

  it("a send to a loopback receiver is refused without connecting unless private targets are allowed", async () => {
    const send = (url: string, allowPrivate: boolean) =>
      sendWebhook({
        url,
        eventId: "msg_1",
        body: "{}",
        secrets: ["whsec_" + Buffer.alloc(32, 1).toString("base64")],
        timeoutMs: 2_000,
        allowPrivate,
      });
    const before = hits;
    const literal = await send(`http://127.0.0.1:${port}/hook`, false);
    expect(literal).toMatchObject({ ok: false, statusCode: null });
    expect(literal.error).toContain("127.0.0.1 is a loopback address");
    const named = await send(`http://localhost:${port}/hook`, false);
    expect(named).toMatchObject({ ok: false, statusCode: null });
    expect(hits).toBe(before);

    const allowed = await send(`http://127.0.0.1:${port}/hook`, true);
    expect(allowed).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(hits).toBe(before + 1);
  });
});
