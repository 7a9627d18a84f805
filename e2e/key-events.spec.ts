import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { sameOrigin, uniqueTag } from "./support/dashboard";

/**
 * Issue #13's acceptance, against the real server: a webhook receiver on 127.0.0.1 (started here) gets a signed
 * key.revoked within a second of the revoke and verifies it with standardwebhooks; a delivery answered with 500
 * comes again; a reported leaked secret is refused as key_revoked on the next request and the key page shows the
 * banner; suspend and resume from the key page.
 */

type Hit = { at: number; headers: Record<string, string>; body: string; type: string };

class Receiver {
  readonly hits: Hit[] = [];
  /** Status to answer per event type, consumed in order (then 200). */
  readonly plan = new Map<string, number[]>();
  private server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const type = (JSON.parse(body) as { type: string }).type;
      this.hits.push({ at: Date.now(), headers: req.headers as Record<string, string>, body, type });
      res.writeHead(this.plan.get(type)?.shift() ?? 200).end();
    });
  });
  url = "";

  async start() {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/keyward`;
  }

  stop() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }

  of(type: string, keyId: string) {
    return this.hits.filter((h) => h.type === type && h.body.includes(keyId));
  }
}

/** As support/dashboard's signUpFreshUser, with room for a slow password hash on a loaded machine. */
async function signUp(page: Page) {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(`e2e-${uniqueTag("events")}@example.com`);
  await page.getByLabel("Password").fill("correct-horse-9");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/keys$/, { timeout: 30_000 });
}

/** A session write names the dashboard's own origin, as its pages do (the CSRF check refuses one without). */

const pair = (c: { keyId: string; secret: string }) => ({ "X-API-Key": c.keyId, "X-API-Secret": c.secret });

async function createKey(page: Page, body: Record<string, unknown>) {
  const res = await page.request.post("/api/v1/keys", {
    headers: sameOrigin(),
    data: { scopes: ["inventory:read"], ...body },
  });
  expect(res.status(), await res.text()).toBe(201);
  const json = (await res.json()) as { key: { keyId: string }; secret: string };
  return { keyId: json.key.keyId, secret: json.secret };
}

test("key events: signed webhooks with retries, leak response, suspend and resume", async ({ page, request }) => {
  test.setTimeout(120_000);
  const receiver = new Receiver();
  await receiver.start();
  try {
    await signUp(page);

    const endpoint = await test.step("register an endpoint; its secret comes back once", async () => {
      const res = await page.request.post("/api/v1/webhooks", {
        headers: sameOrigin(),
        data: { url: receiver.url, events: ["key.revoked", "key.updated", "key.leaked", "key.suspended"] },
      });
      expect(res.status(), await res.text()).toBe(201);
      const json = (await res.json()) as { data: { id: string }; secret: string };
      expect(json.secret).toMatch(/^whsec_/);
      return json;
    });
    const wh = new Webhook(endpoint.secret);

    await test.step("a revoke reaches the receiver within a second, correctly signed", async () => {
      const key = await createKey(page, { name: "to revoke" });
      const revokedAt = Date.now();
      const res = await page.request.post(`/api/v1/keys/${key.keyId}/revoke`, {
        headers: sameOrigin(),
        data: { reason: "e2e" },
      });
      expect(res.status()).toBe(200);
      await expect
        .poll(() => receiver.of("key.revoked", key.keyId).length, { timeout: 1_000, intervals: [20] })
        .toBe(1);
      const hit = receiver.of("key.revoked", key.keyId)[0]!;
      test
        .info()
        .annotations.push({ type: "webhook latency", description: `${hit.at - revokedAt} ms after the revoke` });
      const payload = wh.verify(hit.body, hit.headers) as {
        type: string;
        data: { key: { keyId: string; status: string } };
      };
      expect(payload).toMatchObject({ type: "key.revoked", data: { key: { keyId: key.keyId, status: "revoked" } } });
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`).verify(hit.body, hit.headers),
      ).toThrow();
    });

    await test.step("a delivery answered with 500 is retried with the same webhook-id", async () => {
      receiver.plan.set("key.updated", [500]);
      const key = await createKey(page, { name: "to rename" });
      const res = await page.request.patch(`/api/v1/keys/${key.keyId}`, {
        headers: sameOrigin(),
        data: { name: "renamed" },
      });
      expect(res.status()).toBe(200);
      // The first retry comes about 5 s (±20 %) after the failed attempt.
      await expect.poll(() => receiver.of("key.updated", key.keyId).length, { timeout: 20_000 }).toBe(2);
      const [first, second] = receiver.of("key.updated", key.keyId);
      expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
      expect(wh.verify(second!.body, second!.headers)).toMatchObject({ type: "key.updated" });

      await page.goto(`/webhooks/${endpoint.data.id}`);
      const delivery = page.getByTestId("webhook-delivery").filter({ hasText: first!.headers["webhook-id"]! });
      await expect(delivery).toContainText("delivered");
      await expect(delivery).toContainText("2 attempts");
      await expect(delivery.getByRole("cell", { name: "500", exact: true })).toBeVisible();
      await expect(delivery.getByRole("cell", { name: "200", exact: true })).toBeVisible();
    });

    await test.step("a reported leaked secret: the next request is key_revoked, the key shows the banner", async () => {
      const key = await createKey(page, { name: "leaky" });
      expect((await request.get("/api/v1/inventory", { headers: pair(key) })).status()).toBe(200);
      const report = await request.post("/api/v1/leaks", {
        data: {
          secrets: [key.secret, "kwsec_live_not-a-real-one"],
          source: "https://github.com/acme/app/blob/main/.env",
        },
      });
      expect(report.status()).toBe(202);
      expect(await report.json()).toEqual({ received: 2 });
      const next = await request.get("/api/v1/inventory", { headers: pair(key) });
      expect(next.status()).toBe(401);
      expect(((await next.json()) as { error: { code: string } }).error.code).toBe("key_revoked");

      await page.goto(`/keys/${key.keyId}`);
      const banner = page.getByRole("alert").filter({ hasText: "A secret of this key was reported leaked." });
      await expect(banner).toBeVisible();
      await expect(banner).toContainText("Found at https://github.com/acme/app/blob/main/.env");
      await expect(banner).toContainText("The key was revoked at once.");
      await expect.poll(() => receiver.of("key.leaked", key.keyId).length, { timeout: 5_000 }).toBe(1);
      await page.goto("/");
      await expect(page.getByText("Leaked secrets were reported.")).toBeVisible();
    });

    await test.step("suspend from the key page: refused with key_suspended; resume: accepted again", async () => {
      const key = await createKey(page, { name: "pausable" });
      await page.goto(`/keys/${key.keyId}`);
      await page.getByRole("button", { name: "Suspend" }).click();
      const dialog = page.getByRole("dialog", { name: "Suspend pausable?" });
      await dialog.getByLabel("Reason").fill("partner on holiday");
      await dialog.getByRole("button", { name: "Suspend key" }).click();
      await expect(page.getByText("This key is suspended.", { exact: false })).toBeVisible();
      const refused = await request.get("/api/v1/inventory", { headers: pair(key) });
      expect(refused.status()).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("key_suspended");
      await expect.poll(() => receiver.of("key.suspended", key.keyId).length, { timeout: 5_000 }).toBe(1);

      await page.getByRole("button", { name: "Resume" }).click();
      await expect(page.getByText("This key is suspended.", { exact: false })).toBeHidden();
      expect((await request.get("/api/v1/inventory", { headers: pair(key) })).status()).toBe(200);
    });
  } finally {
    await receiver.stop();
  }
});
