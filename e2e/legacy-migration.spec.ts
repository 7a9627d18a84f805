import { expect, test, type APIRequestContext } from "@playwright/test";
import { DEMO, callApi, uniqueTag } from "./support/dashboard";

const OPERATOR = { Authorization: "Bearer e2e-operator-token-0123456789abcdef-0123" };

/** Legacy pairs as the old platform had them (not Keyward's format), imported for the demo user. */
async function importLegacy(request: APIRequestContext, pairs: { keyId: string; secret: string }[], partner: string) {
  const csv = [
    "email,key_id,secret,secret_sha256,name,partner,scopes",
    ...pairs.map((p, i) => `${DEMO.email},${p.keyId},${p.secret},,Old integration ${i + 1},${partner},`),
  ].join("\n");
  const res = await request.post("/api/v1/keys/import", {
    headers: { ...OPERATOR, "Content-Type": "text/csv" },
    data: csv,
  });
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).created).toBe(pairs.length);
}

test("a legacy key moves to a scoped key: the assistant proposes what it used, the legacy key is refused after the grace; rotating the partner's keys shows each new secret once, old ones work in their grace; revoking them refuses them all", async ({
  page,
  request,
}) => {
  const tag = uniqueTag("legacy").replace(/[^A-Za-z0-9_.-]/g, "");
  const partner = `Legacy Partner ${tag}`;
  const legacy = { keyId: `acme.${tag}`, secret: `OldSecret!${tag}` };
  const other = { keyId: `acme2.${tag}`, secret: `OldSecret2!${tag}` };
  await importLegacy(request, [legacy, other], partner);

  // The old credentials work unchanged; the integration only ever reads inventory.
  for (let i = 0; i < 3; i++) expect((await callApi(request, legacy, "GET", "/api/v1/inventory")).status).toBe(200);

  // Signing in (argon2, then the Overview's queries) can take longer than the shared helper's 5 s on a busy machine.
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO.email);
  await page.getByLabel("Password").fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(DEMO.email, { timeout: 30_000 });
  // The Overview counts the legacy key as still in use.
  await expect(page.getByTestId("legacy-in-use")).toContainText("1 of 2 active legacy keys still in use");
  await page.goto(`/keys/${legacy.keyId}`);
  const assistant = page.getByRole("region", { name: "Migration assistant" });
  // The log writer flushes every 100 ms here; the assistant reads the key's own rollups.
  await expect(async () => {
    await page.reload();
    await expect(assistant.getByTestId("proposed-scopes")).toContainText("inventory:read", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(assistant.getByRole("table", { name: "Endpoints used" })).toContainText("GET /api/v1/inventory");
  await expect(assistant.getByTestId("proposed-scopes")).not.toContainText("offers");

  await assistant.getByRole("button", { name: "Replace with a scoped key" }).click();
  const dialog = page.getByRole("dialog", { name: "Replace with a scoped key" });
  await dialog.getByLabel("or seconds").fill("4");
  await dialog.getByRole("button", { name: "Create scoped key" }).click();
  const panel = page.getByRole("dialog", { name: "The scoped key" });
  const scoped = {
    keyId: await panel.getByRole("textbox", { name: "Key ID" }).inputValue(),
    secret: await panel.getByRole("textbox", { name: "Secret", exact: true }).inputValue(),
  };
  const graceStarted = Date.now();
  await panel.getByRole("button", { name: /Done/ }).click();

  // The new key works for what the legacy key did, and for nothing more.
  expect((await callApi(request, scoped, "GET", "/api/v1/inventory")).status).toBe(200);
  expect((await callApi(request, scoped, "GET", "/api/v1/offers")).status).toBe(403);
  // After the grace the legacy secret is refused.
  await page.waitForTimeout(Math.max(0, graceStarted + 5_000 - Date.now()));
  const refused = await callApi(request, legacy, "GET", "/api/v1/inventory");
  expect(refused.status).toBe(401);
  await page.reload();
  await expect(assistant).toContainText(`Replaced by ${scoped.keyId}`);

  // The partner page: revoke every key of this partner; each is refused on its next request.
  await page.goto("/partners");
  await page.getByRole("link", { name: partner }).click();
  await expect(page.getByRole("heading", { name: partner })).toBeVisible();
  await expect(page.getByRole("table", { name: "API keys" })).toContainText(other.keyId);
  expect((await callApi(request, other, "GET", "/api/v1/inventory")).status).toBe(200);

  // Rotate every key of this partner: each new secret is shown once, in the results; the old ones keep working
  // for the grace chosen (1 hour), and the dialog cannot be dismissed by accident while it shows secrets.
  await page.getByRole("button", { name: "Rotate all keys" }).click();
  const rotate = page.getByRole("dialog", { name: `Rotate all keys of ${partner}` });
  await expect(rotate.getByRole("radio", { name: "1 hour" })).toBeChecked();
  await rotate.getByRole("button", { name: "Rotate all keys" }).click();
  const results = rotate.getByRole("table", { name: "Results" });
  await expect(results).toContainText(scoped.keyId);
  await expect(rotate.getByText("Copy the new secrets now. They will not be shown again.")).toBeVisible();
  const newSecret = (await rotate.getByTestId(`new-secret-${scoped.keyId}`).innerText()).trim();
  expect(newSecret).toMatch(/^kwsec_live_/);
  await page.keyboard.press("Escape");
  await expect(rotate).toBeVisible();
  const rotated = { keyId: scoped.keyId, secret: newSecret };
  expect((await callApi(request, rotated, "GET", "/api/v1/inventory")).status).toBe(200);
  expect((await callApi(request, scoped, "GET", "/api/v1/inventory")).status).toBe(200);
  await rotate.getByRole("button", { name: "Done" }).click();
  await expect(rotate).toBeHidden();
  await expect(page.getByText(newSecret)).toHaveCount(0);

  await page.getByRole("button", { name: "Revoke all keys" }).click();
  const revoke = page.getByRole("dialog", { name: `Revoke all keys of ${partner}?` });
  await revoke.getByLabel("Reason").fill("Partner offboarded");
  await revoke.getByRole("button", { name: "Revoke all keys" }).click();
  await expect(revoke.getByRole("table", { name: "Results" })).toContainText(other.keyId);
  await revoke.getByRole("button", { name: "Done" }).click();
  for (const key of [scoped, rotated, other]) {
    const res = await callApi(request, key, "GET", "/api/v1/inventory");
    expect(res.status, key.keyId).toBe(401);
    expect((res.body as { error: { code: string } }).error.code).toBe("key_revoked");
  }
  expect((await callApi(request, legacy, "GET", "/api/v1/inventory")).status).toBe(401);
});
