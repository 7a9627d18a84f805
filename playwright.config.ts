import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { E2E_DATA_DIR, E2E_ON_POSTGRES, E2E_PG_DATABASE, e2eServerDatabaseEnv } from "./e2e/support/e2e-database";

const PORT = Number(process.env.E2E_PORT) || 3210;
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DATA_DIR = E2E_DATA_DIR;

/** A system Chromium when there is one (CI here cannot download browsers); else Playwright's own. */
function chromiumExecutable(): string | undefined {
  const candidates = [
    process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE,
    process.env.CHROME_PATH,
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  return candidates.find((p): p is string => !!p && fs.existsSync(p));
}

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  globalTeardown: "./e2e/support/global-teardown.ts",
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  // A sign-in (argon2 + a server render) can take several seconds on a shared, loaded 2-core machine.
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    acceptDownloads: true,
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromiumExecutable(),
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: {
    // A fresh data folder (and on PostgreSQL a fresh database) each run: the demo workspace is seeded on its first start.
    command: [
      `node -e "require('fs').rmSync(process.argv[1],{recursive:true,force:true})" "${DATA_DIR}"`,
      ...(E2E_ON_POSTGRES ? [`npx tsx scripts/e2e-database.ts create ${E2E_PG_DATABASE}`] : []),
      "npx tsx scripts/start.ts",
    ].join(" && "),
    url: `${BASE_URL}/sign-in`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      KEYWARD_DATA_DIR: DATA_DIR,
      NEXTAUTH_URL: BASE_URL,
      KEYWARD_SEED_DEMO: "1",
      KEYWARD_LOG_FLUSH_MS: "100",
      KEYWARD_METRICS_TOKEN: "e2e-metrics-token-0123456789abcdef",
      // The e2e webhook receiver listens on 127.0.0.1.
      KEYWARD_WEBHOOK_ALLOW_PRIVATE: "1",
      KEYWARD_OPERATOR_TOKEN: "e2e-operator-token-0123456789abcdef-0123",
      // The specs sign up about 40 fresh users from one address within minutes (the limit itself is unit-tested).
      KEYWARD_SIGNUP_LIMIT_PER_HOUR: "200",
      ...e2eServerDatabaseEnv(),
    },
  },
});
