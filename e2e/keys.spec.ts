import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signUpFreshUser } from "./support/dashboard";

const SECRET_PATTERN = /^kwsec_live_[0-9A-Za-z]{49}$/;

/** Creates a key through the dialog and returns what the secret-once panel showed. */
async function createKey(page: Page, name: string, opts: { template?: string; partner?: string } = {}) {
  await page.getByRole("button", { name: "Create key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Name").fill(name);
  if (opts.partner) await dialog.getByLabel("Partner").fill(opts.partner);
  if (opts.template) await dialog.getByRole("button", { name: opts.template }).click();
  await dialog.getByRole("button", { name: "Create key" }).click();

  const panel = page.getByRole("dialog", { name: "Your new API key" });
  await expect(panel.getByText("It will not be shown again")).toBeVisible();
  const keyId = await panel.getByRole("textbox", { name: "Key ID" }).inputValue();
  const secret = await panel.getByRole("textbox", { name: "Secret", exact: true }).inputValue();
  await panel.getByRole("button", { name: /Done/ }).click();
  await expect(panel).toBeHidden();
  return { keyId, secret };
}

async function callInventory(request: APIRequestContext, keyId: string, secret: string) {
  return request.get("/api/v1/inventory", { headers: { "X-API-Key": keyId, "X-API-Secret": secret } });
}

test("create, rotate with grace, and revoke keys; the API honours each step", async ({ page, request }) => {
  test.setTimeout(120_000);
  await signUpFreshUser(page, "keys");

  const first = await test.step("create a read-only inventory key from a template", async () => {
    await page.getByRole("button", { name: "Create key" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create API key" });
    // Least privilege: a new key starts with no access anywhere.
    await expect(dialog.getByRole("group", { name: "Inventory" }).getByLabel("None")).toBeChecked();
    await dialog.getByRole("button", { name: "Cancel" }).click();

    const created = await createKey(page, "Acme inventory feed", {
      template: "Data feed: inventory read-only",
      partner: "Acme",
    });
    expect(created.secret).toMatch(SECRET_PATTERN);
    expect(created.keyId).toMatch(/^kw_live_[0-9A-Za-z]{16}$/);

    const row = page.getByRole("row").filter({ hasText: "Acme inventory feed" });
    await expect(row).toBeVisible();
    await expect(row).toContainText("inventory:read");
    await expect(row).toContainText(created.keyId);
    await expect(row).toContainText("active");
    return created;
  });

  const rotatedSecret = await test.step("rotate with a one-hour grace period", async () => {
    await page.getByRole("link", { name: "Acme inventory feed" }).click();
    await expect(page).toHaveURL(new RegExp(`/keys/${first.keyId}$`));
    await expect(page.getByRole("heading", { name: "Acme inventory feed" })).toBeVisible();

    await page.getByRole("button", { name: "Rotate secret" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate secret" });
    await dialog.getByLabel("1 hour").check();
    await dialog.getByRole("button", { name: "Rotate secret" }).click();

    const panel = page.getByRole("dialog", { name: "Your new secret" });
    const secret = await panel.getByRole("textbox", { name: "Secret", exact: true }).inputValue();
    expect(secret).toMatch(SECRET_PATTERN);
    expect(secret).not.toBe(first.secret);
    await panel.getByRole("button", { name: /Done/ }).click();

    await expect(page.getByText("still accepted until")).toBeVisible();
    await expect(page.getByText(`…${first.secret.slice(-4)}`).first()).toBeVisible();
    await expect(page.getByRole("list", { name: "Audit trail" })).toContainText("rotated");
    return secret;
  });

  await test.step("both the old and the new secret work during the grace period", async () => {
    const oldResponse = await callInventory(request, first.keyId, first.secret);
    expect(oldResponse.status()).toBe(200);
    const newResponse = await callInventory(request, first.keyId, rotatedSecret);
    expect(newResponse.status()).toBe(200);
  });

  const second = await test.step("create a second key and revoke it with a reason", async () => {
    await page.getByRole("link", { name: "Keys", exact: true }).click();
    await expect(page).toHaveURL(/\/keys$/);
    const created = await createKey(page, "Short-lived key", { template: "Data feed: inventory read-only" });
    expect((await callInventory(request, created.keyId, created.secret)).status()).toBe(200);

    await page.getByRole("link", { name: "Short-lived key" }).click();
    await page.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke Short-lived key?" });
    await expect(dialog.getByText("This cannot be undone.")).toBeVisible();
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await expect(dialog.getByText("Reason is required.")).toBeVisible();
    await dialog.getByLabel("Reason").fill("Leaked in a CI log");
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await expect(dialog).toBeHidden();

    await expect(page.getByText("This key is revoked.")).toBeVisible();
    await expect(page.getByText("Leaked in a CI log").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Rotate secret" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Edit" })).toHaveCount(0);

    await page.getByRole("link", { name: "Keys", exact: true }).click();
    const row = page.getByRole("row").filter({ hasText: "Short-lived key" });
    await expect(row).toContainText("revoked");
    return created;
  });

  await test.step("the revoked key is refused with key_revoked", async () => {
    const response = await callInventory(request, second.keyId, second.secret);
    expect(response.status()).toBe(401);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe("key_revoked");
  });

  await test.step("the status filter narrows the list", async () => {
    await page.getByLabel("Status").selectOption("revoked");
    await expect(page).toHaveURL(/status=revoked/);
    await expect(page.getByRole("row").filter({ hasText: "Short-lived key" })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: "Acme inventory feed" })).toHaveCount(0);
  });
});

test("field errors from the server show next to the fields", async ({ page }) => {
  await signUpFreshUser(page, "keys");
  await page.getByRole("button", { name: "Create key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  // At least one scope: said before anything is sent, and gone once a scope is chosen.
  await dialog.getByRole("button", { name: "Create key" }).click();
  const noScope = dialog.getByText("Choose at least one scope: a key without scopes cannot call any endpoint.");
  await expect(noScope).toBeVisible();
  await dialog.getByRole("button", { name: "Data feed: inventory read-only" }).click();
  await expect(noScope).toBeHidden();
  await dialog.getByLabel("IP allowlist").fill("10.0.0.1, not-an-ip");
  await dialog.getByLabel("Rate limit (requests/min)").fill("0");
  await dialog.getByRole("button", { name: "Create key" }).click();

  await expect(dialog.getByLabel("Name")).toHaveAccessibleDescription(/Name is required/);
  await expect(dialog.getByLabel("IP allowlist")).toHaveAccessibleDescription(/not-an-ip/);
  await expect(dialog.getByLabel("Rate limit (requests/min)")).toHaveAccessibleDescription(/at least 1/);
  // A field's error clears as soon as it is being fixed.
  await dialog.getByLabel("Name").fill("Fixed");
  await expect(dialog.getByLabel("Name")).not.toHaveAccessibleDescription(/Name is required/);
});

test("support staff see every user's keys with their owner", async ({ page, browser }) => {
  const ownerPage = await browser.newPage();
  const ownerEmail = await signUpFreshUser(ownerPage, "keys");
  const { keyId } = await createKey(ownerPage, "Owned by someone else", {
    template: "Data feed: inventory read-only",
  });
  await ownerPage.close();

  await page.goto("/sign-in?callbackUrl=%2Fkeys");
  await page.getByLabel("Email").fill("support@keyward.dev");
  await page.getByLabel("Password").fill("support-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/keys$/);
  await expect(page.getByText("support", { exact: true })).toBeVisible();

  const row = page.getByRole("row").filter({ hasText: keyId });
  await expect(row).toContainText(ownerEmail);
  await row.getByRole("link", { name: "Owned by someone else" }).click();

  // lib/ refuses support staff changing another user's key: the refusal must be shown, not swallowed.
  await page.getByRole("button", { name: "Rotate secret" }).click();
  const dialog = page.getByRole("dialog", { name: "Rotate secret" });
  await dialog.getByRole("button", { name: "Rotate secret" }).click();
  await expect(dialog.getByText(/Support staff can revoke/)).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("button", { name: "Revoke" }).click();
  const revoke = page.getByRole("dialog", { name: "Revoke Owned by someone else?" });
  await revoke.getByLabel("Reason").fill("Reported as leaked");
  await revoke.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByText("This key is revoked.")).toBeVisible();
  await expect(page.getByRole("list", { name: "Audit trail" })).toContainText("support@keyward.dev (support)");
});
