import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { sendWebhook, signatureHeaders } from "./send-webhook";
import { decryptSecret, encryptSecret, generateWebhookSecret } from "./webhook-secret";

type Received = { headers: http.IncomingHttpHeaders; body: string; url: string };

let server: http.Server;
let base = "";
const received: Received[] = [];
let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, r) => r.end();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push({ headers: req.headers, body, url: req.url ?? "" });
      answer(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

const send = (over: Partial<Parameters<typeof sendWebhook>[0]> = {}) =>
  sendWebhook({
    url: `${base}/hook`,
    eventId: "msg_test1",
    body: JSON.stringify({ type: "key.revoked", timestamp: new Date().toISOString(), data: {} }),
    secrets: [generateWebhookSecret()],
    timeoutMs: 2_000,
    allowPrivate: true,
    ...over,
  });

describe("signing secrets", () => {
  it("look like Standard Webhooks secrets and differ each time", () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it("are stored encrypted: the stored form does not contain them, and only the same pepper opens it", () => {
    const secret = generateWebhookSecret();
    const pepper = "p".repeat(40);
    const stored = encryptSecret(secret, pepper);
    expect(stored).not.toContain(secret.slice(6, 30));
    expect(encryptSecret(secret, pepper)).not.toBe(stored); // a fresh IV each time
    expect(decryptSecret(stored, pepper)).toBe(secret);
    expect(() => decryptSecret(stored, "q".repeat(40))).toThrow();
    const [v, iv, tag, data] = stored.split(".");
    const flipped = data!.startsWith("A") ? `B${data!.slice(1)}` : `A${data!.slice(1)}`;
    expect(() => decryptSecret([v, iv, tag, flipped].join("."), pepper)).toThrow();
  });
});

describe("sendWebhook", () => {
  it("POSTs the body with headers that standardwebhooks' Webhook.verify accepts", async () => {
    answer = (_q, r) => r.writeHead(204).end();
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: "key.created", timestamp: "2026-12-01T00:00:00.000Z", data: { n: 1 } });
    const result = await send({ secrets: [secret], body, eventId: "msg_abc" });
    expect(result).toMatchObject({ ok: true, statusCode: 204, error: null });
    expect(result.latencyMs).toBeGreaterThan(0);
    const got = received.at(-1)!;
    expect(got.body).toBe(body);
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["webhook-id"]).toBe("msg_abc");
    const verified = new Webhook(secret).verify(got.body, {
      "webhook-id": String(got.headers["webhook-id"]),
      "webhook-timestamp": String(got.headers["webhook-timestamp"]),
      "webhook-signature": String(got.headers["webhook-signature"]),
    });
    expect(verified).toEqual(JSON.parse(body));
    // Another secret, or a changed body, fails verification.
    expect(() =>
      new Webhook(generateWebhookSecret()).verify(got.body, got.headers as Record<string, string>),
    ).toThrow();
    expect(() => new Webhook(secret).verify(`${got.body} `, got.headers as Record<string, string>)).toThrow();
  });

  it("signs with both secrets during a rotation: either verifies", () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const at = new Date();
    const headers = signatureHeaders("msg_rot", at, "{}", [newSecret, oldSecret]);
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const s of [oldSecret, newSecret]) expect(new Webhook(s).verify("{}", headers)).toEqual({});
  });

  it("reports a 500 as a failed attempt with its status code", async () => {
    answer = (_q, r) => r.writeHead(500).end("boom");
    expect(await send()).toMatchObject({ ok: false, statusCode: 500, error: "answered 500" });
  });

  it("does not follow redirects (a redirect could point anywhere)", async () => {
    answer = (_q, r) => r.writeHead(302, { location: "http://169.254.169.254/" }).end();
    const before = received.length;
    expect(await send()).toMatchObject({ ok: false, statusCode: 302, error: "answered 302" });
    expect(received.length).toBe(before + 1);
  });

  it("gives up on a receiver that does not answer within the timeout", async () => {
    answer = () => {}; // never answers
    const result = await send({ timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, statusCode: null, error: "timed out after 200 ms" });
  });

  it("reports a refused connection", async () => {
    const result = await send({ url: "http://127.0.0.1:1/hook" });
    expect(result.ok).toBe(false);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/ECONNREFUSED/);
  });
});
