import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { createKeyWithCli, startKeyward, stopKeyward, type RunningServer } from "./support/server";

/**
 * The request log loses nothing when the server is stopped under load: gracefully (SIGTERM flushes the
 * writer) or brutally (SIGKILL; the spool is replayed on the next start). Each answered request's id must be
 * in the log afterwards.
 */
async function loadUntilStopped(
  server: RunningServer,
  key: { keyId: string; secret: string },
  stop: () => Promise<void>,
) {
  const answered = new Set<string>();
  let running = true;
  const worker = async () => {
    while (running) {
      try {
        const res = await fetch(`${server.baseUrl}/api/v1/inventory?limit=1`, {
          headers: { "X-API-Key": key.keyId, "X-API-Secret": key.secret },
        });
        await res.arrayBuffer();
        const id = res.headers.get("x-request-id");
        if (id) answered.add(id);
      } catch {
        // Connection refused or reset once the server is going down: that request was never answered.
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  const workers = Array.from({ length: 12 }, worker);
  while (answered.size < 400) await new Promise((r) => setTimeout(r, 20));
  await stop();
  running = false;
  await Promise.all(workers);
  return answered;
}

function loggedIds(dataDir: string, keyId: string): Set<string> {
  const sqlite = new Database(path.join(dataDir, "keyward.db"), { readonly: true });
  try {
    const rows = sqlite.prepare("SELECT requestId FROM RequestLog WHERE keyId = ?").all(keyId) as {
      requestId: string;
    }[];
    return new Set(rows.map((r) => r.requestId));
  } finally {
    sqlite.close();
  }
}

// Ports next to the Playwright server's (E2E_PORT), so parallel checkouts can run the suite side by side.
const BASE_PORT = Number(process.env.E2E_PORT) || 3210;

test.describe("request log durability", () => {
  test.setTimeout(240_000);

  test("SIGTERM under load: the writer flushes every answered request before exit", async () => {
    const server = await startKeyward({ port: BASE_PORT + 21 });
    const key = createKeyWithCli(server.dataDir, [
      "--email",
      "demo@keyward.dev",
      "--name",
      "durability",
      "--scopes",
      "inventory:read",
    ]);
    const answered = await loadUntilStopped(server, key, () => stopKeyward(server, "SIGTERM"));
    expect(server.output()).toContain("stopped cleanly");
    const logged = loggedIds(server.dataDir, key.keyId);
    const missing = [...answered].filter((id) => !logged.has(id));
    expect(answered.size).toBeGreaterThanOrEqual(400);
    expect(missing).toEqual([]);
  });

  test("SIGKILL under load: the spool is replayed on the next start", async () => {
    const first = await startKeyward({ port: BASE_PORT + 22 });
    const key = createKeyWithCli(first.dataDir, [
      "--email",
      "demo@keyward.dev",
      "--name",
      "durability",
      "--scopes",
      "inventory:read",
    ]);
    const answered = await loadUntilStopped(first, key, () => stopKeyward(first, "SIGKILL"));
    const second = await startKeyward({ port: BASE_PORT + 22, dataDir: first.dataDir });
    try {
      const logged = loggedIds(first.dataDir, key.keyId);
      const missing = [...answered].filter((id) => !logged.has(id));
      expect(answered.size).toBeGreaterThanOrEqual(400);
      expect(missing).toEqual([]);
      expect(second.output()).toMatch(/replayed \d+ request log entries|ready on/);
    } finally {
      await stopKeyward(second, "SIGTERM");
    }
  });
});
