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

/** The overview, or its first-run guide while the account has no request in the log (other specs may add some). */
async function expectHome(page: Page) {
  await expect(page.getByRole("heading", { level: 1, name: /^(Overview|Welcome to Keyward)$/ })).toBeVisible();
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
  // No request in the log yet: the overview is the first-run guide.
  await expect(page.getByRole("heading", { level: 1, name: "Welcome to Keyward" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create your first key" })).toBeVisible();
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await signIn(page, "demo@keyward.dev", "not-the-password-1");
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the sixth wrong password for one email from one address is throttled with the time to wait", async ({ page }) => {
  // An email with no account: the throttle must answer exactly as it would for a real one.
  const email = uniqueEmail("throttle");
  await page.goto("/sign-in");
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`wrong-password-${attempt}`);
    // The message stays up between attempts, so wait for each answer rather than for the text.
    const answered = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
    await page.getByRole("button", { name: "Sign in" }).click();
    // next-auth answers 401 for a wrong password and for a throttled attempt alike (README, Security notes).
    expect((await answered).status()).toBe(401);
    await expect(page.getByText("Wrong email or password.")).toBeVisible();
  }
  await page.getByLabel("Password").fill("wrong-password-6");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(/^Too many attempts\. Try again in 15 minutes\.$/)).toBeVisible();
  await expect(page.getByText("Wrong email or password.")).toBeHidden();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a callbackUrl with a tab after the first slash does not leave the site", async ({ page }) => {
  const response = await page.goto("/sign-in?callbackUrl=/%09/evil.example");
  expect(response?.status()).toBe(200);
  await page.getByLabel("Email").fill("demo@keyward.dev");
  await page.getByLabel("Password").fill("demo-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  await expectHome(page);
});

test("a callbackUrl with a newline does not break the sign-in page", async ({ page }) => {
  const response = await page.goto("/sign-in?callbackUrl=/%0a/evil.example");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a signed-in visit to sign-in with a hostile callbackUrl stays on the site", async ({ page }) => {
  await signIn(page, "demo@keyward.dev", "demo-password-1");
  await expectHome(page);
  for (const hostile of ["/%09/evil.example", "/%0a/evil.example", "/.//evil.example", "/%5Cevil.example"]) {
    const response = await page.request.get(`/sign-in?callbackUrl=${hostile}`, { maxRedirects: 0 });
    expect(response.status(), hostile).toBe(307);
    expect(response.headers()["location"], hostile).toBe("/");
  }
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
  await expectHome(page);
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

test("sign-up with an email already in use does not say so: it goes on to sign-in as after any sign-up", async ({
  page,
}) => {
  const email = uniqueEmail("taken");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/keys$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await signUp(page, email, "another-password-2");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByText(/already/i)).toHaveCount(0);
  // The account is untouched: its own password still signs in.
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/$/);
});

test("an unauthenticated visit to /keys goes to sign-in", async ({ page }) => {
  await page.goto("/keys");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});
