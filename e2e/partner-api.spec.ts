import { expect, test } from "@playwright/test";
import { callApi, createKeyInDashboard, logRows, signUpFreshUser, uniqueTag } from "./support/dashboard";

test("a read-only inventory key reads inventory, is refused offers, and the key's log shows both", async ({
  page,
  request,
}) => {
  await signUpFreshUser(page, "partner-api");
  const key = await createKeyInDashboard(page, "Inventory feed", {
    template: "Data feed: inventory read-only",
    partner: uniqueTag("FeedCo"),
  });

  const allowed = await test.step("GET /api/v1/inventory answers 200", async () => {
    const call = await callApi(request, key, "GET", "/api/v1/inventory");
    expect(call.status).toBe(200);
    expect(Array.isArray((call.body as { data: unknown[] }).data)).toBe(true);
    return call;
  });

  const refused = await test.step("POST /api/v1/offers is refused for lack of offers:write", async () => {
    const call = await callApi(request, key, "POST", "/api/v1/offers", {
      inventoryItemId: "inv_any",
      amountCents: 12_500,
      currency: "USD",
    });
    expect(call.status).toBe(403);
    const error = (call.body as { error: { code: string; requestId: string; docs: string } }).error;
    expect(error.code).toBe("insufficient_scope");
    expect(error.requestId).toBe(call.requestId);
    expect(error.docs).toBe("/docs#errors-insufficient_scope");
    return call;
  });

  await test.step("both requests appear in the key's log on its detail page", async () => {
    await page.goto(`/keys/${key.keyId}`);
    const rows = logRows(page);
    // The log writer flushes every 100 ms in e2e: reload until the rows are there.
    await expect(async () => {
      await page.reload();
      await expect(rows).toHaveCount(2, { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    const allowedRow = rows.filter({ hasText: allowed.requestId });
    await expect(allowedRow).toContainText("GET");
    await expect(allowedRow).toContainText("/api/v1/inventory");
    await expect(allowedRow).toContainText("200");
    const refusedRow = rows.filter({ hasText: refused.requestId });
    await expect(refusedRow).toContainText("POST");
    await expect(refusedRow).toContainText("/api/v1/offers");
    await expect(refusedRow).toContainText("403");
    await expect(refusedRow).toContainText("insufficient_scope");
  });

  await test.step("and in /logs, filtered by that key", async () => {
    await page.getByRole("link", { name: "View all in Logs" }).click();
    await expect(page).toHaveURL(new RegExp(`/logs\\?keyId=${key.keyId}$`));
    const rows = logRows(page);
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: allowed.requestId })).toContainText("Inventory feed");
    await expect(rows.filter({ hasText: refused.requestId })).toContainText("Inventory feed");
  });
});
