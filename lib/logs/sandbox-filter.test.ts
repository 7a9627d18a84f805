import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { services } from "@/lib/services";
import { parseOrThrow } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor";
import { keyLogIdentity, logEntry, makeKey, makeUser } from "@/test/fixtures";
import { logPageInput } from "./log-query-input";
import { queryLogs } from "./query-logs";

/** A test key's read of its owner's log: what GET /api/v1/logs answers it. */
async function sandboxPage(testKey: Awaited<ReturnType<typeof keyLogIdentity>>) {
  const actor: Actor = {
    kind: "key",
    apiKeyId: testKey.apiKeyId!,
    keyId: testKey.keyId!,
    ownerId: testKey.ownerId!,
    scopes: ["logs:read"],
    environment: "test",
    ip: null,
  };
  const page = await queryLogs(actor, parseOrThrow(logPageInput, { range: "1h" }, "query"));
  return page.data.map((r) => r.keyId).sort();
}

describe("a test key's view of the log", () => {
  it("is its owner's test traffic, however many test keys the owner has", async () => {
    const owner = await makeUser();
    const testKey = await keyLogIdentity(await makeKey(owner, { environment: "test", scopes: ["logs:read"] }));
    const liveKey = await keyLogIdentity(await makeKey(owner, { scopes: ["inventory:read"] }));
    const at = Date.now() - 60_000;
    await services().logStore.storeBatch([
      logEntry({ ...testKey, timestamp: at }),
      logEntry({ ...liveKey, timestamp: at + 1 }),
    ]);
    expect(await sandboxPage(testKey)).toEqual([testKey.keyId]);

    // Past 500 test keys the filter stops listing them (the environment condition alone selects the same rows).
    await db().apiKey.createMany({
      data: Array.from({ length: 500 }, (_, i) => ({
        keyId: `kw_test_bulk${owner.userId.slice(-6)}${String(i).padStart(6, "0")}`,
        ownerId: owner.userId,
        name: `bulk ${i}`,
        environment: "test",
      })),
    });
    expect(await db().apiKey.count({ where: { ownerId: owner.userId, environment: "test" } })).toBe(501);
    expect(await sandboxPage(testKey)).toEqual([testKey.keyId]);
  });
});
