import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { callApi, createKeyInDashboard, logRows, sameOrigin, signUpFreshUser, uniqueTag } from "./support/dashboard";

/**
 * Issue #12, the dashboard flows the other specs leave out: the log table's column chooser, in-page sorts and
 * sticky header; filter chips and a malformed filter link; the UTC toggle; the keys list's count, sort and row
 * menu; the key form's expiry presets; the overview's "Keys needing attention"; the 404 page. Each test signs
 * up its own user, so its rows and keys are the only ones on the page.
 */

// Half an hour off UTC: a local time and its UTC twin differ in the minutes, whatever the day.
test.use({ timezoneId: "Asia/Kolkata" });
const KOLKATA_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

const READ_ONLY = "Data feed: inventory read-only";

type Issued = { keyId: string; secret: string };

/** A key made through the management API with the page's session (what the dashboard's dialog calls). */
async function createKeyViaApi(page: Page, name: string): Promise<Issued> {
  const res = await page.request.post("/api/v1/keys", {
    headers: sameOrigin(),
    data: { name, partner: uniqueTag("Flows"), scopes: ["inventory:read"] },
  });
  expect(res.status()).toBe(201);
  const body = (await res.json()) as { key: { keyId: string }; secret: string };
  return { keyId: body.key.keyId, secret: body.secret };
}

/** n calls in a row; returns their statuses (each call asserts its X-Request-Id). */
async function repeatCalls(request: APIRequestContext, key: Issued, path: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await callApi(request, key, "GET", path)).status);
  return statuses;
}

/** Reload /logs until the writer has flushed (KEYWARD_LOG_FLUSH_MS) and the table holds `count` requests. */
async function openLogWithRows(page: Page, url: string, count: number) {
  // Counted by their request-id buttons: an empty table has one row too, its "No requests" message.
  const requests = page.getByRole("button", { name: /^Details of request req_/ });
  await expect(async () => {
    await page.goto(url);
    await expect(requests).toHaveCount(count, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(logRows(page)).toHaveCount(count);
}

/** The text of one column in every body row, the column found by its header (the sort arrow left out). */
async function columnTexts(table: Locator, header: string): Promise<string[]> {
  // The table may still be rendering (the count above it comes first): read the headers once this one is there.
  await expect(table.getByRole("columnheader", { name: header }).first()).toBeVisible();
  const headers = (await table.locator("thead th").allInnerTexts()).map((h) => h.replace(/[↕▲▼]/g, "").trim());
  const index = headers.indexOf(header);
  expect(index, `a "${header}" column among ${headers.join(", ")}`).toBeGreaterThanOrEqual(0);
  return table
    .locator("tbody tr")
    .evaluateAll((rows, i) => rows.map((r) => (r.children[i] as HTMLElement).innerText.trim()), index);
}

/** "3.4 ms", "12 ms", "1.2 s" (components/logs/format.ts) back to milliseconds. */
function latencyMs(text: string): number {
  const match = /^([\d.,]+) (ms|s)$/.exec(text);
  expect(match, `a latency: "${text}"`).not.toBeNull();
  const value = Number(match![1]!.replace(/,/g, ""));
  return match![2] === "s" ? value * 1000 : value;
}

const ascending = (values: number[]) => [...values].sort((a, b) => a - b);
const pad = (n: number) => String(n).padStart(2, "0");

const WIDTHS = [
  { name: "1440", viewport: { width: 1440, height: 900 } },
  { name: "390", viewport: { width: 390, height: 844 } },
] as const;

for (const width of WIDTHS) {
  test.describe(`at ${width.name} px`, () => {
    test.use({ viewport: width.viewport });

    test("log table: the column chooser hides a column (remembered), Status and Latency sort the rows, the header stays", async ({
      page,
      request,
    }) => {
      test.setTimeout(150_000);
      await signUpFreshUser(page, "flows-table");
      const key = await createKeyInDashboard(page, "Table feed", { template: READ_ONLY });
      // Interleaved outcomes: newest first is not in status order, so a status sort has to move rows.
      for (let i = 0; i < 12; i++) {
        await callApi(request, key, "GET", "/api/v1/inventory?limit=1");
        await callApi(request, key, "GET", "/api/v1/offers");
        await callApi(request, key, "GET", `/api/v1/inventory/inv_missing_${i}`);
      }
      await openLogWithRows(page, "/logs", 36);
      const table = page.getByRole("table", { name: "Request log" });

      await test.step("hide the IP column; it stays hidden after a reload; show it again", async () => {
        const ipHeader = table.getByRole("columnheader", { name: "IP", exact: true });
        await expect(ipHeader).toBeVisible();
        const cellsBefore = await logRows(page).first().getByRole("cell").count();
        const chooser = page.locator("details").filter({ has: page.locator("summary", { hasText: "Columns" }) });
        await chooser.locator("summary").click();
        await chooser
          .getByRole("group", { name: "Columns to show" })
          .getByRole("checkbox", { name: "IP", exact: true })
          .uncheck();
        await expect(ipHeader).toHaveCount(0);
        await expect(logRows(page).first().getByRole("cell")).toHaveCount(cellsBefore - 1);

        // The chooser promises "remembered in this browser" (localStorage): applied once the page has hydrated.
        await page.reload();
        await expect(logRows(page)).toHaveCount(36);
        await expect(ipHeader).toHaveCount(0);
        await expect(table.getByRole("columnheader", { name: "Latency" })).toBeVisible();

        await chooser.locator("summary").click();
        const ipBox = chooser
          .getByRole("group", { name: "Columns to show" })
          .getByRole("checkbox", { name: "IP", exact: true });
        await expect(ipBox).not.toBeChecked();
        await ipBox.check();
        await expect(ipHeader).toBeVisible();
        await expect(logRows(page).first().getByRole("cell")).toHaveCount(cellsBefore);
        await chooser.locator("summary").click();
      });

      await test.step("sort by Status: highest first (a number column's first click), then lowest first", async () => {
        const statuses = async () => (await columnTexts(table, "Status")).map(Number);
        const loaded = await statuses();
        expect(loaded).not.toEqual(ascending(loaded));
        const header = table.getByRole("columnheader", { name: "Status" });
        await table.getByRole("button", { name: "Status", exact: true }).click();
        await expect(header).toHaveAttribute("aria-sort", "descending");
        await expect.poll(statuses).toEqual(ascending(loaded).reverse());
        await expect(page.getByText("Sorted within the loaded rows")).toBeVisible();
        await table.getByRole("button", { name: "Status", exact: true }).click();
        await expect(header).toHaveAttribute("aria-sort", "ascending");
        await expect.poll(statuses).toEqual(ascending(loaded));
        // An in-page sort: no new server page asked for.
        await expect(page).toHaveURL(/\/logs$/);
      });

      await test.step("sort by Latency: the slowest first, then the fastest first", async () => {
        const latencies = async () => (await columnTexts(table, "Latency")).map(latencyMs);
        const loaded = await latencies();
        const header = table.getByRole("columnheader", { name: "Latency" });
        await table.getByRole("button", { name: "Latency", exact: true }).click();
        await expect(header).toHaveAttribute("aria-sort", "descending");
        await expect.poll(latencies).toEqual(ascending(loaded).reverse());
        await table.getByRole("button", { name: "Latency", exact: true }).click();
        await expect(header).toHaveAttribute("aria-sort", "ascending");
        await expect.poll(latencies).toEqual(ascending(loaded));
        // The Status sort gave way: one sort at a time.
        await expect(table.getByRole("columnheader", { name: "Status" })).not.toHaveAttribute("aria-sort", /.+/);
      });

      await test.step("the header row stays at the top of the table's scroll box", async () => {
        const box = page.getByRole("region", { name: "Request log (scrolls)" });
        const thead = table.locator("thead");
        expect(await thead.evaluate((el) => getComputedStyle(el).position)).toBe("sticky");
        await box.scrollIntoViewIfNeeded();
        const scrolled = await box.evaluate((el) => {
          el.scrollTop = 400;
          return el.scrollTop;
        });
        expect(scrolled, "36 rows overflow the viewport-high box").toBeGreaterThan(200);
        await expect
          .poll(async () => {
            const [b, h] = [await box.boundingBox(), await thead.boundingBox()];
            return Math.round(Math.abs(h!.y - b!.y));
          })
          .toBeLessThanOrEqual(2);
        // The first row went up and out of the box: the header did not scroll with it.
        const firstRow = await logRows(page).first().boundingBox();
        expect(firstRow!.y).toBeLessThan((await box.boundingBox())!.y);
        await expect(table.getByRole("columnheader", { name: "Status" })).toBeInViewport();
      });
    });

    test("filter chips: each active filter is a removable chip; a malformed filter link says so, with a reset", async ({
      page,
      request,
    }) => {
      test.setTimeout(120_000);
      await signUpFreshUser(page, "flows-chips");
      const key = await createKeyInDashboard(page, "Chip feed", { template: READ_ONLY });
      const ok = await repeatCalls(request, key, "/api/v1/inventory?limit=1", 3);
      const refused = await repeatCalls(request, key, "/api/v1/offers", 2);
      expect([...ok, ...refused]).toEqual([200, 200, 200, 403, 403]);

      await test.step("a shared link's filters show as chips", async () => {
        await openLogWithRows(page, `/logs?keyId=${key.keyId}&status=4xx`, 2);
        const chips = page.getByRole("list", { name: "Active filters" });
        await expect(chips.getByRole("button")).toHaveCount(2);
        await expect(chips.getByRole("button", { name: "Remove filter Key: Chip feed" })).toBeVisible();
        await expect(chips.getByRole("button", { name: "Remove filter Status: 4xx" })).toBeVisible();
      });

      await test.step("removing the status chip drops it from the URL and brings the 2xx rows back", async () => {
        await page.getByRole("button", { name: "Remove filter Status: 4xx" }).click();
        await expect(page).not.toHaveURL(/status=/);
        await expect(page).toHaveURL(new RegExp(`keyId=${key.keyId}`));
        await expect(logRows(page)).toHaveCount(5);
        expect((await columnTexts(page.getByRole("table", { name: "Request log" }), "Status")).sort()).toEqual([
          "200",
          "200",
          "200",
          "403",
          "403",
        ]);
        await expect(page.getByRole("button", { name: "Remove filter Status: 4xx" })).toHaveCount(0);

        await page.getByRole("button", { name: "Remove filter Key: Chip feed" }).click();
        await expect(page).toHaveURL(/\/logs$/);
        await expect(page.getByRole("list", { name: "Active filters" })).toHaveCount(0);
        await expect(logRows(page)).toHaveCount(5);
      });

      for (const [query, expected] of [
        ["status=abc", 'Status "abc": expected a status class'],
        ["from=not-a-date", 'From "not-a-date": expected an ISO 8601 date-time'],
      ] as const) {
        await test.step(`/logs?${query}: a plain message and a reset link, no validator dump`, async () => {
          await page.goto(`/logs?${query}`);
          const alert = page.getByRole("alert").filter({ hasText: "This link's filters could not be read." });
          await expect(alert).toBeVisible();
          await expect(alert).toContainText(expected);
          const text = await alert.innerText();
          expect(text).not.toMatch(/ZodError|invalid_type|invalid_union|[{}]|query\.\w+/);
          expect(await page.locator("main").innerText()).not.toContain("ZodError");
          await alert.getByRole("link", { name: "Reset filters" }).click();
          await expect(page).toHaveURL(/\/logs$/);
          await expect(page.getByText("This link's filters could not be read.")).toHaveCount(0);
          await expect(logRows(page)).toHaveCount(5);
        });
      }
    });

    test("time zone: the UTC toggle changes the times shown and is remembered after a reload", async ({
      page,
      request,
    }) => {
      test.setTimeout(120_000);
      await signUpFreshUser(page, "flows-zone");
      const key = await createKeyInDashboard(page, "Zone feed", { template: READ_ONLY });
      await callApi(request, key, "GET", "/api/v1/inventory?limit=1");
      await openLogWithRows(page, "/logs", 1);

      const toggle = page.getByTestId("zone-toggle");
      const time = logRows(page).first().locator("time");
      const at = new Date((await time.getAttribute("datetime"))!);
      const utc = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} UTC`;
      const local = new Date(at.getTime() + KOLKATA_OFFSET_MS);
      // 12- or 24-hour clock depends on the browser's locale; minutes and seconds do not.
      const localMinSec = `:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;

      await expect(toggle).toContainText(/Times in Asia\/(Kolkata|Calcutta) \(local\)/);
      await expect(time).toContainText(localMinSec);
      await expect(time).not.toContainText("UTC");

      await toggle.getByRole("button", { name: "Show UTC" }).click();
      await expect(toggle).toContainText("Times in UTC");
      await expect(time).toHaveText(new RegExp(`${utc}$`));

      // The server renders UTC before hydration either way: the toggle (drawn only once hydrated) proves the choice.
      await page.reload();
      await expect(toggle).toContainText("Times in UTC");
      await expect(toggle.getByRole("button", { name: "Show local time" })).toBeVisible();
      await expect(time).toHaveText(new RegExp(`${utc}$`));

      await toggle.getByRole("button", { name: "Show local time" }).click();
      await expect(toggle).toContainText(/\(local\)/);
      await expect(time).toContainText(localMinSec);
      await expect(time).not.toContainText("UTC");
    });

    test("keys list: the count, sorting by name, and the row menu's copy, rotate and revoke", async ({
      page,
      request,
    }) => {
      test.setTimeout(120_000);
      await signUpFreshUser(page, "flows-keys");
      // Created in this order, listed newest first: Bravo, alpha, Charlie. By name (case-insensitive): alpha first.
      await createKeyViaApi(page, "Charlie feed");
      const alpha = await createKeyViaApi(page, "alpha feed");
      const bravo = await createKeyViaApi(page, "Bravo feed");
      await page.goto("/keys");
      const table = page.getByRole("table", { name: "API keys" });
      const names = () => columnTexts(table, "Name");

      await test.step("the count and the name sort", async () => {
        await expect(page.getByTestId("keys-count")).toHaveText("3 keys");
        expect(await names()).toEqual(["Bravo feed", "alpha feed", "Charlie feed"]);
        await table.getByRole("button", { name: "Name", exact: true }).click();
        await expect(table.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
        await expect.poll(names).toEqual(["alpha feed", "Bravo feed", "Charlie feed"]);
        await table.getByRole("button", { name: "Name", exact: true }).click();
        await expect.poll(names).toEqual(["Charlie feed", "Bravo feed", "alpha feed"]);
      });

      const menuOf = (name: string) => table.locator("details").filter({ has: page.getByLabel(`Actions for ${name}`) });

      await test.step("the row menu offers copy key id, rotate and revoke; copy puts the id on the clipboard", async () => {
        await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
        const menu = menuOf("alpha feed");
        await menu.getByLabel("Actions for alpha feed").click();
        for (const item of ["Copy key id", "Rotate secret", "Revoke"]) {
          await expect(menu.getByRole("button", { name: item, exact: true })).toBeEnabled();
        }
        await menu.getByRole("button", { name: "Copy key id" }).click();
        await expect(menu.getByRole("button", { name: "Copy key id" })).toBeHidden();
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(alpha.keyId);
        // Menu items are buttons inside a clickable row: none of them may open the key's page.
        await expect(page).toHaveURL(/\/keys$/);

        await menu.getByLabel("Actions for alpha feed").click();
        await menu.getByRole("button", { name: "Rotate secret" }).click();
        const rotate = page.getByRole("dialog", { name: "Rotate secret" });
        await expect(rotate).toBeVisible();
        // Choosing an item closes its menu (an open menu would cover the rows below it).
        await expect(menu.getByRole("button", { name: "Rotate secret" })).toBeHidden();
        await rotate.getByRole("button", { name: "Cancel" }).click();
        await expect(rotate).toBeHidden();

        // One row menu at a time: opening another row's closes this one.
        await menu.getByLabel("Actions for alpha feed").click();
        await expect(menu.getByRole("button", { name: "Rotate secret" })).toBeVisible();
        await menuOf("Bravo feed").getByLabel("Actions for Bravo feed").click();
        await expect(menu.getByRole("button", { name: "Rotate secret" })).toBeHidden();
        await menuOf("Bravo feed").getByLabel("Actions for Bravo feed").click();
      });

      await test.step("the last row's menu is whole: the table's scroll box does not clip it", async () => {
        // Sorted Z to A above, so "alpha feed" is the last row, at the bottom edge of the table's scroll box.
        expect((await names()).at(-1)).toBe("alpha feed");
        const menu = menuOf("alpha feed");
        await menu.getByLabel("Actions for alpha feed").click();
        for (const item of ["Copy key id", "Rotate secret", "Revoke"]) {
          await expect(menu.getByRole("button", { name: item, exact: true })).toBeInViewport({ ratio: 1 });
        }
        // Nothing covers the last item: the topmost element at its centre is the item itself.
        const revoke = menu.getByRole("button", { name: "Revoke", exact: true });
        expect(
          await revoke.evaluate((el) => {
            const r = el.getBoundingClientRect();
            return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === el;
          }),
        ).toBe(true);
        await menu.getByLabel("Actions for alpha feed").click();
        await expect(revoke).toBeHidden();
      });

      await test.step("revoke from the row menu: the API then refuses the key with key_revoked", async () => {
        expect((await callApi(request, bravo, "GET", "/api/v1/inventory?limit=1")).status).toBe(200);
        const menu = menuOf("Bravo feed");
        await menu.getByLabel("Actions for Bravo feed").click();
        await menu.getByRole("button", { name: "Revoke", exact: true }).click();
        const dialog = page.getByRole("dialog", { name: "Revoke Bravo feed?" });
        await dialog.getByLabel("Reason").fill("Throwaway key from the flows spec");
        await dialog.getByRole("button", { name: "Revoke key" }).click();
        await expect(dialog).toBeHidden();
        await expect(table.locator("tbody tr").filter({ hasText: "Bravo feed" })).toContainText("revoked");
        await expect(page.getByTestId("keys-count")).toHaveText("3 keys");

        const refused = await callApi(request, bravo, "GET", "/api/v1/inventory?limit=1");
        expect(refused.status).toBe(401);
        expect((refused.body as { error: { code: string } }).error.code).toBe("key_revoked");
        // The other keys are untouched.
        expect((await callApi(request, alpha, "GET", "/api/v1/inventory?limit=1")).status).toBe(200);
      });
    });

    test("key form: the expiry presets, a custom date and never set the expiry the list shows", async ({ page }) => {
      test.setTimeout(150_000);
      await signUpFreshUser(page, "flows-expiry");
      const table = page.getByRole("table", { name: "API keys" });

      /** Fill the create dialog with one expiry choice; returns the new key's id and when it was submitted. */
      async function createWithExpiry(name: string, choose: (dialog: Locator) => Promise<void>) {
        await page.getByRole("button", { name: "Create key" }).first().click();
        const dialog = page.getByRole("dialog", { name: "Create API key" });
        await dialog.getByLabel("Name").fill(name);
        await dialog.getByRole("button", { name: READ_ONLY }).click();
        await choose(dialog);
        const submitted = Date.now();
        await dialog.getByRole("button", { name: "Create key" }).click();
        const panel = page.getByRole("dialog", { name: "Your new API key" });
        const keyId = await panel.getByRole("textbox", { name: "Key ID" }).inputValue();
        const returned = Date.now();
        await panel.getByRole("button", { name: /Done/ }).click();
        await expect(panel).toBeHidden();
        return { keyId, submitted, returned };
      }

      const expiresCell = async (name: string) => {
        const row = table.locator("tbody tr").filter({ hasText: name });
        await expect(row).toHaveCount(1);
        const headers = (await table.locator("thead th").allInnerTexts()).map((h) => h.replace(/[↕▲▼]/g, "").trim());
        return row.locator("td").nth(headers.indexOf("Expires"));
      };

      await test.step("a new key defaults to 90 days", async () => {
        await page.getByRole("button", { name: "Create key" }).first().click();
        const dialog = page.getByRole("dialog", { name: "Create API key" });
        await expect(dialog.getByRole("radio", { name: "90 days" })).toBeChecked();
        await expect(dialog.getByText("Expires 90 days after it is saved.")).toBeVisible();
        await dialog.getByRole("button", { name: "Cancel" }).click();
        await expect(dialog).toBeHidden();
      });

      for (const days of [30, 60, 90]) {
        await test.step(`${days} days`, async () => {
          const made = await createWithExpiry(`Expires in ${days}`, async (dialog) => {
            await dialog.getByRole("radio", { name: `${days} days` }).check();
            await expect(dialog.getByText(`Expires ${days} days after it is saved.`)).toBeVisible();
          });
          const time = (await expiresCell(`Expires in ${days}`)).locator("time");
          const at = Date.parse((await time.getAttribute("datetime"))!);
          // The browser stamps now + N days when the form is sent: between our two clock readings (same machine).
          expect(at).toBeGreaterThanOrEqual(made.submitted + days * DAY_MS - 2_000);
          expect(at).toBeLessThanOrEqual(made.returned + days * DAY_MS + 2_000);
        });
      }

      await test.step("custom: a date and time in the reader's zone", async () => {
        await createWithExpiry("Expires on a set day", async (dialog) => {
          await dialog.getByRole("radio", { name: "Custom" }).check();
          await expect(dialog.getByText(/Expires \d+ days after it is saved\./)).toHaveCount(0);
          await dialog.getByLabel("Expires at (your local time)").fill("2031-01-15T10:30");
        });
        const cell = await expiresCell("Expires on a set day");
        // 10:30 in Kolkata (UTC+5:30) is 05:00 UTC.
        await expect(cell.locator("time")).toHaveAttribute("datetime", "2031-01-15T05:00:00.000Z");
        await expect(cell).toContainText(/Jan 15, 2031|15 Jan 2031/);
      });

      await test.step("never", async () => {
        await createWithExpiry("Never expires", async (dialog) => {
          await dialog.getByRole("radio", { name: "Never" }).check();
          await expect(dialog.getByText("The key never expires.")).toBeVisible();
        });
        const cell = await expiresCell("Never expires");
        await expect(cell).toHaveText("Never");
        await expect(cell.locator("time")).toHaveCount(0);
      });
    });

    test("keys needing attention: a key failing most of its calls is listed with its error rate; a healthy one is not", async ({
      page,
      request,
    }) => {
      test.setTimeout(150_000);
      await signUpFreshUser(page, "flows-attention");
      // lib/keys/keys-needing-attention.ts: at least 20 calls in 24 hours, at least 20% of them failed.
      const flaky = await createKeyViaApi(page, "Flaky feed");
      const healthy = await createKeyViaApi(page, "Healthy feed");
      const flakyStatuses = [
        ...(await repeatCalls(request, flaky, "/api/v1/offers", 25)),
        ...(await repeatCalls(request, flaky, "/api/v1/inventory?limit=1", 5)),
      ];
      expect(flakyStatuses.filter((s) => s === 403)).toHaveLength(25);
      expect(flakyStatuses.filter((s) => s === 200)).toHaveLength(5);
      // 3 of 25 failed (12%): under the threshold.
      const healthyStatuses = [
        ...(await repeatCalls(request, healthy, "/api/v1/inventory?limit=1", 22)),
        ...(await repeatCalls(request, healthy, "/api/v1/offers", 3)),
      ];
      expect(healthyStatuses.filter((s) => s === 200)).toHaveLength(22);

      const list = page.getByRole("list", { name: "Keys needing attention" });
      const flakyItem = list.getByRole("listitem").filter({ hasText: "Flaky feed" });
      await expect(async () => {
        await page.goto("/");
        await expect(flakyItem).toHaveCount(1, { timeout: 1_000 });
      }).toPass({ timeout: 20_000 });
      await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
      await expect(flakyItem).toContainText("High error rate");
      await expect(flakyItem).toContainText("83% of its 30 requests failed in the last 24 hours");
      await expect(flakyItem.getByRole("link", { name: "Flaky feed" })).toHaveAttribute("href", `/keys/${flaky.keyId}`);
      await expect(list.getByRole("listitem").filter({ hasText: "Healthy feed" })).toHaveCount(0);
    });

    test("404: an unknown address inside the dashboard shows the branded page in the app shell", async ({ page }) => {
      await signUpFreshUser(page, "flows-404");
      const nav = page.getByRole("navigation", { name: "Main" });

      const expectShell = async () => {
        // The shell: the main navigation and the signed-in account (behind the menu button on a phone).
        if (page.viewportSize()!.width < 768) await page.getByRole("button", { name: "Menu" }).click();
        await expect(nav.getByRole("link", { name: "Keys", exact: true })).toBeVisible();
        await expect(page.getByTestId("current-user")).toBeVisible();
      };

      for (const url of ["/keys/key_does_not_exist", "/partners/prt_does_not_exist", "/webhooks/whk_does_not_exist"]) {
        await test.step(url, async () => {
          // A 404 status, not a 200 page that says "not found": these pages sit outside the streamed loading outline.
          const response = await page.goto(url);
          expect(response?.status()).toBe(404);
          const heading = url.startsWith("/keys/") ? "Key not found" : "Page not found";
          await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
          await expectShell();
        });
      }

      await test.step("a request id that is not in the log: 404, with the find box to try another", async () => {
        const response = await page.goto("/logs/requests/req_does_not_exist");
        expect(response?.status()).toBe(404);
        await expect(page.getByRole("heading", { level: 1, name: "Request not found" })).toBeVisible();
        await expect(page.locator("main").getByRole("search", { name: "Find a request" })).toBeVisible();
        await expectShell();
      });

      await test.step("an address no route serves: branded, inside the shell, with ways back", async () => {
        const response = await page.goto("/logs/no-such-view");
        expect(response?.status()).toBe(404);
        await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
        await expect(page.locator("main").getByText("404", { exact: true })).toBeVisible();
        await expectShell();
        await page.locator("main").getByRole("link", { name: "Request log" }).click();
        await expect(page).toHaveURL(/\/logs$/);
        await expect(page.getByRole("heading", { level: 1, name: "Request log" })).toBeVisible();
      });
    });
  });
}
