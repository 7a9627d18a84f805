import fs from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect as baseExpect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { DEMO, SUPPORT, sameOrigin, uniqueTag } from "./support/dashboard";
import { e2eSql } from "./support/e2e-database";

/**
 * Issue #12 in one file: the flows of people debugging partners (a wrong secret shows under its key, a request
 * id opens whatever the range, end-grace refuses the old secret at once), each at 1440 and 390 px, and a sweep
 * of every dashboard page at both widths in light and dark: no sideways scroll on a phone, no axe violation,
 * a screenshot of each (written to e2e/.artifacts/screenshots, git-ignored).
 */

const ARTIFACTS = path.resolve("e2e/.artifacts");
const SHOTS = path.join(ARTIFACTS, "screenshots");
const WIDTHS = [
  { name: "1440", viewport: { width: 1440, height: 900 } },
  { name: "390", viewport: { width: 390, height: 844 } },
] as const;
type Width = (typeof WIDTHS)[number];

// Pages render on a shared, busy machine: more patience than the defaults (each flow signs in with argon2id).
const expect = baseExpect.configure({ timeout: 15_000 });
test.describe.configure({ timeout: 180_000 });

const states: Record<string, string> = {};

/** Sign in once per account and keep the session (storage state) for every later context. */
async function signedInState(browser: Browser, account: { email: string; password: string }): Promise<string> {
  if (states[account.email]) return states[account.email]!;
  const file = path.join(ARTIFACTS, `state-${account.email.split("@")[0]}.json`);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Sign-in hashes the password with argon2id: slow on a loaded machine.
  await expect(page.getByTestId("current-user")).toHaveText(account.email, { timeout: 30_000 });
  await context.storageState({ path: file });
  await context.close();
  states[account.email] = file;
  return file;
}

async function contextFor(
  browser: Browser,
  account: { email: string; password: string } | null,
  width: Width,
  colorScheme: "light" | "dark" = "light",
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: width.viewport,
    colorScheme,
    ...(account ? { storageState: await signedInState(browser, account) } : {}),
  });
}

type Issued = { keyId: string; secret: string };

/** Create a key through the management API with the page's session (what the dashboard's dialog calls). */
async function createKey(page: Page, name: string, partner: string): Promise<Issued> {
  const res = await page.request.post("/api/v1/keys", {
    // As the dashboard's own page sends it: a session write names our origin (CSRF check).
    headers: sameOrigin(),
    data: { name, partner, scopes: ["inventory:read"] },
  });
  expect(res.status()).toBe(201);
  const body = (await res.json()) as { key: { keyId: string }; secret: string };
  return { keyId: body.key.keyId, secret: body.secret };
}

async function partnerCall(page: Page, key: Issued): Promise<{ status: number; requestId: string }> {
  const res = await page.request.get("/api/v1/inventory?limit=1", {
    headers: { "X-API-Key": key.keyId, "X-API-Secret": key.secret },
  });
  return { status: res.status(), requestId: res.headers()["x-request-id"]! };
}

/** One character of the secret's body changed: a wrong secret for a real key id (a botched copy). */
function wrongSecretOf(secret: string): string {
  const i = 20;
  return secret.slice(0, i) + (secret[i] === "A" ? "B" : "A") + secret.slice(i + 1);
}

async function expectNoSidewaysScroll(page: Page, label: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${label}: page is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(
    innerWidth,
  );
}

/** Log rows are written by the server's writer within ~100 ms (KEYWARD_LOG_FLUSH_MS in the config). */
async function gotoUntilVisible(page: Page, url: string, locator: () => ReturnType<Page["getByText"]>) {
  await expect(async () => {
    await page.goto(url);
    await expect(locator()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
}

for (const width of WIDTHS) {
  test(`a wrong-secret call shows in the owner's key detail, 4xx log and support's partner+401 filter (${width.name} px)`, async ({
    browser,
  }) => {
    const owner = await contextFor(browser, DEMO, width);
    const page = await owner.newPage();
    const partner = uniqueTag("Wrongsecret");
    const key = await createKey(page, `Wrong secret ${width.name}`, partner);
    const call = await partnerCall(page, { keyId: key.keyId, secret: wrongSecretOf(key.secret) });
    expect(call.status).toBe(401);

    await gotoUntilVisible(page, `/keys/${key.keyId}`, () => page.getByText(call.requestId));
    await expectNoSidewaysScroll(page, "key detail");
    await gotoUntilVisible(page, "/logs?status=4xx", () => page.getByText(call.requestId));

    // Its detail says what the partner saw and why.
    await page.getByRole("button", { name: `Details of request ${call.requestId}` }).click();
    const dialog = page.getByRole("dialog", { name: "Request details" });
    await expect(dialog.getByTestId("refusal-message")).toHaveText(
      "The API key id or secret is wrong. Check both values, or create a new key.",
    );
    await expect(dialog.getByText("Presented a secret that is not this key's.")).toBeVisible();
    await expect(dialog.getByRole("link", { name: "invalid_credentials (docs)" })).toHaveAttribute(
      "href",
      "/docs#errors-invalid_credentials",
    );
    await owner.close();

    const support = await contextFor(browser, SUPPORT, width);
    const supportPage = await support.newPage();
    await supportPage.goto(`/logs?partner=${encodeURIComponent(partner)}&status=401`);
    await expect(supportPage.getByText(call.requestId)).toBeVisible();
    await support.close();
  });

  test(`a request id older than the selected range opens, from the header's find box (${width.name} px)`, async ({
    browser,
  }) => {
    const context = await contextFor(browser, DEMO, width);
    const page = await context.newPage();
    const key = await createKey(page, `Old traffic ${width.name}`, uniqueTag("Old"));
    // A request from 12 days ago, a raw row as the log writer writes it (the test cannot wait 12 days; without its
    // rollups, which a request id lookup does not read). Its id has the shape Keyward issues: the request's time
    // (base 36 ms), then 20 hex digits.
    const atMs = Date.now() - 12 * 86_400_000;
    const requestId = `req_${atMs.toString(36)}${randomBytes(10).toString("hex")}`;
    const [row] = await e2eSql<{ id: string; ownerId: string }>(
      `SELECT "id", "ownerId" FROM "ApiKey" WHERE "keyId" = ?`,
      [key.keyId],
    );
    const at = new Date(atMs).toISOString().replace("Z", "+00:00");
    await e2eSql(
      `INSERT INTO "RequestLog" ("id", "requestId", "timestamp", "apiKeyId", "keyId", "keyName", "ownerId", "environment",
        "method", "route", "path", "status", "statusClass", "latencyMs", "errorCode", "refusal")
       VALUES (?, ?, ?, ?, ?, ?, ?, 'live', 'GET', '/api/v1/offers', '/api/v1/offers', 403, '4xx', 3.2, 'insufficient_scope', ?)`,
      [
        requestId,
        requestId,
        at,
        row!.id,
        key.keyId,
        `Old traffic ${width.name}`,
        row!.ownerId,
        JSON.stringify({
          message: "This key lacks the offers:read scope needed for GET /api/v1/offers.",
          requiredScope: "offers:read",
          grantedScopes: ["inventory:read"],
          query: "limit=5",
          keyState: { status: "active", inGrace: false, secret: "current" },
        }),
      ],
    );

    await page.goto("/logs?range=15m");
    if (width.name === "390") await page.getByRole("button", { name: "Menu" }).click();
    const find = page.getByRole("search", { name: "Find a request" });
    await find.getByLabel("Request id").fill(requestId);
    await find.getByRole("button", { name: "Open" }).click();
    await expect(page).toHaveURL(new RegExp(`/logs/requests/${requestId}$`));
    const detail = page.getByTestId("request-detail");
    await expect(detail.getByTestId("refusal-message")).toHaveText(
      "This key lacks the offers:read scope needed for GET /api/v1/offers.",
    );
    await expect(detail.getByText("?limit=5")).toBeVisible();
    await expect(detail.getByText("(missing)")).toBeVisible();
    await expectNoSidewaysScroll(page, "request page");

    // The log filter finds it too, with a 15-minute range selected.
    await page.goto(`/logs?range=15m&requestId=${requestId}`);
    await expect(page.getByRole("button", { name: `Details of request ${requestId}` })).toBeVisible();
    await context.close();
  });

  test(`"retire the old secret now" refuses the old secret on the next request (${width.name} px)`, async ({
    browser,
  }) => {
    const context = await contextFor(browser, DEMO, width);
    const page = await context.newPage();
    const old = await createKey(page, `Rotating ${width.name}`, uniqueTag("Grace"));
    const rotated = await page.request.post(`/api/v1/keys/${old.keyId}/rotate`, {
      headers: sameOrigin(),
      data: { graceSeconds: 86_400 },
    });
    expect(rotated.status()).toBe(200);
    const fresh = { keyId: old.keyId, secret: ((await rotated.json()) as { secret: string }).secret };
    expect((await partnerCall(page, old)).status).toBe(200);

    await page.goto(`/keys/${old.keyId}`);
    await page.getByRole("button", { name: "Retire the old secret now" }).click();
    const dialog = page.getByRole("dialog", { name: "Retire the old secret now?" });
    await dialog.getByRole("button", { name: "Retire old secret" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("button", { name: "Retire the old secret now" })).toBeHidden();
    await expect(page.getByText("grace ended")).toBeVisible();

    const refused = await partnerCall(page, old);
    expect(refused.status).toBe(401);
    expect((await partnerCall(page, fresh)).status).toBe(200);
    await context.close();
  });
}

test("keyboard: a skip link first, dialogs focus their first field and give focus back; the theme toggle sticks", async ({
  browser,
}) => {
  const context = await contextFor(browser, DEMO, WIDTHS[0]);
  const page = await context.newPage();
  await page.goto("/keys");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#content")).toBeFocused();

  const trigger = page.getByRole("button", { name: "Create key" }).first();
  await trigger.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(trigger).toBeFocused();

  const toggle = page.getByTestId("theme-toggle");
  await expect(toggle).toHaveText("Theme: system");
  await toggle.click();
  await expect(page.locator("html")).toHaveClass("light");
  await toggle.click();
  await expect(page.locator("html")).toHaveClass("dark");
  await page.reload();
  await expect(page.locator("html")).toHaveClass("dark");
  await expect(page.getByTestId("theme-toggle")).toHaveText("Theme: dark");
  await context.close();
});

/** A key with traffic, made once, so the key page, the log and a request page have content. */
let sweepFixture: {
  keyId: string;
  okId: string;
  refusedId: string;
  partnerId: string;
  webhookId: string;
} | null = null;
async function sweepData(browser: Browser) {
  if (sweepFixture) return sweepFixture;
  const setup = await contextFor(browser, DEMO, WIDTHS[0]);
  const setupPage = await setup.newPage();
  const partnerName = uniqueTag("Sweep");
  const key = await createKey(setupPage, "Sweep key", partnerName);
  const ok = await partnerCall(setupPage, key);
  const refused = await partnerCall(setupPage, { keyId: key.keyId, secret: wrongSecretOf(key.secret) });
  // The key's partner (created with it by name), and a webhook endpoint (nothing listens there: never delivered).
  const partners = await setupPage.request.get(`/api/v1/partners?q=${encodeURIComponent(partnerName)}`);
  expect(partners.status()).toBe(200);
  const partner = ((await partners.json()) as { data: { id: string; name: string }[] }).data.find(
    (p) => p.name === partnerName,
  );
  expect(partner, `partner ${partnerName} made with the key`).toBeDefined();
  const hook = await setupPage.request.post("/api/v1/webhooks", {
    headers: sameOrigin(),
    data: { url: "http://127.0.0.1:9/keyward-sweep", events: ["key.revoked"] },
  });
  expect(hook.status()).toBe(201);
  const webhookId = ((await hook.json()) as { data: { id: string } }).data.id;
  await setup.close();
  sweepFixture = {
    keyId: key.keyId,
    okId: ok.requestId,
    refusedId: refused.requestId,
    partnerId: partner!.id,
    webhookId,
  };
  return sweepFixture;
}

for (const width of WIDTHS) {
  for (const theme of ["light", "dark"] as const) {
    test(`every page at ${width.name} px, ${theme}: no sideways scroll, no axe violation, a screenshot`, async ({
      browser,
    }) => {
      test.setTimeout(600_000);
      fs.mkdirSync(SHOTS, { recursive: true });
      const data = await sweepData(browser);
      const pages: { name: string; url: string; account: typeof DEMO | null }[] = [
        { name: "overview", url: "/", account: DEMO },
        { name: "keys", url: "/keys", account: DEMO },
        { name: "key-detail", url: `/keys/${data.keyId}`, account: DEMO },
        { name: "logs", url: "/logs", account: DEMO },
        { name: "logs-support", url: "/logs", account: SUPPORT },
        { name: "request", url: `/logs/requests/${data.refusedId}`, account: DEMO },
        { name: "request-ok", url: `/logs/requests/${data.okId}`, account: DEMO },
        { name: "find-request", url: "/logs/requests", account: DEMO },
        { name: "partners", url: "/partners", account: DEMO },
        { name: "partner-detail", url: `/partners/${data.partnerId}`, account: DEMO },
        { name: "webhooks", url: "/webhooks", account: DEMO },
        { name: "webhook-detail", url: `/webhooks/${data.webhookId}`, account: DEMO },
        { name: "audit", url: "/audit", account: DEMO },
        { name: "audit-support", url: "/audit", account: SUPPORT },
        { name: "docs", url: "/docs", account: DEMO },
        { name: "not-found", url: "/no-such-page", account: DEMO },
        { name: "sign-in", url: "/sign-in", account: null },
        { name: "sign-up", url: "/sign-up", account: null },
      ];
      const problems: string[] = [];
      const contexts = new Map<string, BrowserContext>();
      for (const p of pages) {
        const who = p.account?.email ?? "anonymous";
        if (!contexts.has(who)) contexts.set(who, await contextFor(browser, p.account, width, theme));
        const page = await contexts.get(who)!.newPage();
        await page.goto(p.url);
        // Charts draw after hydration: wait for the page's scripts, not for the network to fall silent.
        await page.waitForLoadState("load");
        const label = `${p.name} ${width.name}px ${theme}`;
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        if (scrollWidth > innerWidth) problems.push(`${label}: ${scrollWidth}px wide in a ${innerWidth}px window`);
        const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
        for (const v of axe.violations) {
          problems.push(
            `${label}: axe ${v.id} (${v.impact}) on ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(" "))
              .join(" | ")}`,
          );
        }
        await page.screenshot({ path: path.join(SHOTS, `${p.name}-${width.name}-${theme}.png`), fullPage: true });
        await page.close();
      }
      for (const c of contexts.values()) await c.close();
      expect(problems).toEqual([]);
    });
  }
}
