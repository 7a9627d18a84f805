import { expect, test, type Page } from "@playwright/test";

const PASSWORD = "correct-horse-9";

function uniqueEmail(tag: string): string {
  return `e2e-${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

async function signUp(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a new user signs up, lands on an empty key list, signs out and back in to the overview", async ({ page }) => {
  const email = uniqueEmail("auth");
  await signUp(page, email);

  await expect(page).toHaveURL(/\/keys$/);
  await expect(page.getByRole("heading", { name: "API keys" })).toBeVisible();
  await expect(page.getByText("No API keys yet")).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByText("Nothing needs attention")).toBeVisible();
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await signIn(page, "demo@keyward.dev", "not-the-password-1");
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the seeded demo user signs in and goes to the callbackUrl", async ({ page }) => {
  await page.goto("/sign-in?callbackUrl=%2Fkeys%3Fstatus%3Drevoked");
  await page.getByLabel("Email").fill("demo@keyward.dev");
  await page.getByLabel("Password").fill("demo-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/keys\?status=revoked$/);
});

test("an off-site callbackUrl is ignored", async ({ page }) => {
  await page.goto("/sign-in?callbackUrl=https%3A%2F%2Fevil.example%2F");
  await page.getByLabel("Email").fill("demo@keyward.dev");
  await page.getByLabel("Password").fill("demo-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
});

test("sign-up explains a bad email and a weak password next to each field", async ({ page }) => {
  await signUp(page, "not-an-email", "short1");

  const email = page.getByLabel("Email");
  const password = page.getByLabel("Password");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(email).toHaveAccessibleDescription(/Enter a valid email address/);
  // The password's hint also speaks of 10 characters: check the error itself.
  await expect(page.locator("#password-error")).toHaveText(/Use at least 10 characters|Mix letters/);
  await expect(page).toHaveURL(/\/sign-up/);
});

test("sign-up with an email already in use says so", async ({ page }) => {
  await signUp(page, "demo@keyward.dev");
  await expect(page.getByLabel("Email")).toHaveAccessibleDescription(/already exists/);
});

test("an unauthenticated visit to /keys goes to sign-in", async ({ page }) => {
  await page.goto("/keys");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});
