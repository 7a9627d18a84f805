import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import {
  callApi,
  createKeyInDashboard,
  DEMO,
  logRows,
  parseCsv,
  signIn,
  signUpFreshUser,
  SUPPORT,
  uniqueTag,
  type Call,
} from "./support/dashboard";

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const file = path.join("test-results", "screenshots", `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

async function chooseInMultiSelect(page: Page, label: string, option: RegExp | string) {
  const filters = page.getByRole("form", { name: "Log filters" });
  await filters.locator("summary", { hasText: `${label}:` }).click();
  await filters.getByRole("group", { name: label }).getByRole("checkbox", { name: option }).check();
  await filters.locator("summary", { hasText: `${label}:` }).click();
}

test("filter the log by key and status, open a request, export the same rows; support sees across users", async ({
  page,
  request,
  browser,
}, testInfo) => {
  test.setTimeout(150_000);
  const email = await signUpFreshUser(page, "logs");
  const alphaPartner = uniqueTag("Alpha");
  const alpha = await createKeyInDashboard(page, "Alpha feed", {
    template: "Data feed: inventory read-only",
    partner: alphaPartner,
  });
  const beta = await createKeyInDashboard(page, "Beta feed", {
    template: "Data feed: inventory read-only",
    partner: uniqueTag("Beta"),
  });

  const calls: Call[] = [];
  await test.step("generate 2xx and 4xx traffic with both keys", async () => {
    for (const key of [alpha, beta]) {
      calls.push(await callApi(request, key, "GET", "/api/v1/inventory"));
      calls.push(await callApi(request, key, "GET", "/api/v1/inventory?limit=5"));
      calls.push(
        await callApi(request, key, "POST", "/api/v1/offers", {
          inventoryItemId: "x",
          amountCents: 1,
          currency: "USD",
        }),
      );
      calls.push(await callApi(request, key, "GET", "/api/v1/inventory/inv_does_not_exist"));
    }
    expect(calls.map((c) => c.status)).toEqual([200, 200, 403, 404, 200, 200, 403, 404]);
  });
  const alpha4xx = calls.filter((c) => c.keyId === alpha.keyId && c.status >= 400);

  await test.step("filter to one key and 4xx: only matching rows", async () => {
    await page.goto("/logs");
    await expect(async () => {
      await page.reload();
      await expect(logRows(page)).toHaveCount(calls.length, { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });

    await chooseInMultiSelect(page, "Key", /^Alpha feed/);
    await chooseInMultiSelect(page, "Status", /^4xx/);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`keyId=${alpha.keyId}.*status=4xx`));

    const rows = logRows(page);
    await expect(rows).toHaveCount(alpha4xx.length);
    for (const row of await rows.all()) {
      await expect(row.getByRole("cell").nth(1)).toHaveText("Alpha feed");
      expect(await row.getByRole("cell").nth(5).innerText()).toMatch(/^4\d\d$/);
    }
    for (const call of alpha4xx) await expect(rows.filter({ hasText: call.requestId })).toHaveCount(1);
    await screenshot(page, testInfo, "logs");
  });

  await test.step("a row opens its detail panel", async () => {
    const row = logRows(page).filter({ hasText: alpha4xx[0]!.requestId });
    await row.getByRole("cell").first().click();
    const detail = page.getByRole("dialog", { name: "Request details" });
    await expect(detail).toBeVisible();
    await expect(detail).toContainText(alpha4xx[0]!.requestId);
    await expect(detail).toContainText(alpha.keyId);
    await expect(detail.getByRole("link", { name: "Alpha feed" })).toHaveAttribute("href", `/keys/${alpha.keyId}`);
    await expect(detail.getByRole("link", { name: "Open as a page" })).toHaveAttribute(
      "href",
      `/logs/requests/${alpha4xx[0]!.requestId}`,
    );
    await detail.getByRole("button", { name: "Close" }).click();
    await expect(detail).toBeHidden();
  });

  await test.step("the CSV export holds exactly the filtered rows", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^keyward-logs-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCsv(fs.readFileSync((await download.path())!, "utf8"));
    expect(rows.map((r) => r.requestId).sort()).toEqual(alpha4xx.map((c) => c.requestId).sort());
    for (const row of rows) {
      expect(row.keyId).toBe(alpha.keyId);
      expect(row.status).toMatch(/^4\d\d$/);
    }
  });

  await test.step("sorting by time is the server's: oldest first, then newest first again", async () => {
    const ids = async () =>
      (await logRows(page).allInnerTexts()).map((text) => /req_[0-9a-z]+/.exec(text)?.[0] ?? text);
    const newestFirst = await ids();
    await page.getByRole("table", { name: "Request log" }).getByRole("button", { name: /Time/ }).click();
    await expect(page).toHaveURL(/order=asc/);
    await expect.poll(ids).toEqual([...newestFirst].reverse());
    await page.getByRole("table", { name: "Request log" }).getByRole("button", { name: /Time/ }).click();
    await expect(page).not.toHaveURL(/order=asc/); // newest first is the default, so it leaves the URL
    await expect.poll(ids).toEqual(newestFirst);
  });

  await test.step("the overview shows the traffic", async () => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    const requests = page.locator('dl[aria-label="Totals"] > div').filter({ hasText: "Requests" });
    await expect(requests.locator("dd")).toHaveText(String(calls.length));
    await expect(page.getByRole("table", { name: "Top keys" })).toContainText("Alpha feed");
    await expect(page.getByRole("table", { name: "Top endpoints" })).toContainText("/api/v1/inventory");
    await expect(page.locator(".recharts-bar-rectangle").first()).toBeVisible();
    await screenshot(page, testInfo, "overview");
  });

  await test.step("support filters across users by partner and sees this user's rows", async () => {
    const context = await browser.newContext();
    const support = await context.newPage();
    await signIn(support, SUPPORT);
    await support.goto("/logs");
    await expect(support.getByText("support view")).toBeVisible();
    await chooseInMultiSelect(support, "Partner", alphaPartner);
    await support.getByRole("button", { name: "Apply filters" }).click();
    await expect(support).toHaveURL(new RegExp(`partner=${alphaPartner}`));
    const rows = logRows(support);
    await expect(rows).toHaveCount(calls.filter((c) => c.keyId === alpha.keyId).length);
    for (const row of await rows.all()) {
      await expect(row).toContainText(email);
      await expect(row).toContainText("Alpha feed");
    }
    await context.close();
  });

  await test.step("another user cannot read these rows, in the page or the export", async () => {
    const context = await browser.newContext();
    const other = await context.newPage();
    await signIn(other, DEMO);
    await other.goto(`/logs?keyId=${alpha.keyId}&range=30d`);
    await expect(other.getByText("No requests match these filters")).toBeVisible();
    await expect(logRows(other).filter({ hasText: alpha4xx[0]!.requestId })).toHaveCount(0);

    const response = await other.request.get(`/logs/export?keyId=${alpha.keyId}&range=30d`);
    expect(response.status()).toBe(200);
    expect(parseCsv(await response.text())).toEqual([]);
    const everything = parseCsv(await (await other.request.get("/logs/export?range=30d")).text());
    const ours = new Set(calls.map((c) => c.requestId));
    expect(everything.filter((r) => ours.has(r.requestId!))).toEqual([]);
    await context.close();
  });

  await test.step("the export needs a session", async () => {
    const response = await request.get("/logs/export");
    expect(response.status()).toBe(401);
    expect((await response.json()).error.code).toBe("unauthenticated");
  });
});
