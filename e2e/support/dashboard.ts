import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

export const DEMO = { email: "demo@keyward.dev", password: "demo-password-1" };
export const SUPPORT = { email: "support@keyward.dev", password: "support-password-1" };

/**
 * The Origin header the dashboard's own pages send: session writes (the management API with a session) need it
 * (CSRF check). From the configured base URL, not page.url(), which is about:blank before the first navigation.
 */
export function sameOrigin(): { Origin: string } {
  const base = test.info().project.use.baseURL;
  if (!base) throw new Error("playwright.config.ts sets no baseURL");
  return { Origin: new URL(base).origin };
}

export function uniqueTag(tag: string): string {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function signUpFreshUser(page: Page, tag: string): Promise<string> {
  const email = `e2e-${uniqueTag(tag)}@example.com`;
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct-horse-9");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/keys$/);
  return email;
}

export async function signIn(page: Page, account: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(account.email);
}

/** Creates a key through the dialog on /keys and returns what the secret-once panel showed. */
export async function createKeyInDashboard(page: Page, name: string, opts: { template: string; partner?: string }) {
  await page.getByRole("button", { name: "Create key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await dialog.getByLabel("Name").fill(name);
  if (opts.partner) await dialog.getByLabel("Partner").fill(opts.partner);
  await dialog.getByRole("button", { name: opts.template }).click();
  await dialog.getByRole("button", { name: "Create key" }).click();
  const panel = page.getByRole("dialog", { name: "Your new API key" });
  const keyId = await panel.getByRole("textbox", { name: "Key ID" }).inputValue();
  const secret = await panel.getByRole("textbox", { name: "Secret", exact: true }).inputValue();
  await panel.getByRole("button", { name: /Done/ }).click();
  await expect(panel).toBeHidden();
  return { keyId, secret };
}

export type Call = { requestId: string; status: number; keyId: string };

/** One partner API call with a key pair; returns the request id the server stamped on the response. */
export async function callApi(
  request: APIRequestContext,
  key: { keyId: string; secret: string },
  method: "GET" | "POST",
  path: string,
  data?: unknown,
): Promise<Call & { body: unknown }> {
  const headers = { "X-API-Key": key.keyId, "X-API-Secret": key.secret };
  const response = await request.fetch(path, { method, headers, ...(data !== undefined ? { data } : {}) });
  const requestId = response.headers()["x-request-id"];
  expect(requestId, `${method} ${path} has an X-Request-Id`).toMatch(/^req_/);
  return { requestId: requestId!, status: response.status(), keyId: key.keyId, body: await response.json() };
}

/** The visible rows of the request log table on the current page. */
export const logRows = (page: Page) => page.getByRole("table", { name: "Request log" }).locator("tbody tr");

/** Minimal RFC 4180 reader (quoted fields, doubled quotes, commas and newlines inside quotes). */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    record.push(field);
    field = "";
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted) field += c;
    else if (c === ",") endField();
    else if (c === "\n") endRecord();
    else if (c !== "\r") field += c;
  }
  if (field || record.length) endRecord();
  const [header, ...rows] = records;
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}
