import { describe, expect, it } from "vitest";
import { GET as logsRoute } from "./route";
import { GET as inventoryRoute } from "../inventory/route";
import { call, credsOf, makeKey, makeUser } from "@/test/fixtures";
import { services } from "@/lib/services";

describe("GET /api/v1/logs (happy)", () => {
  it("returns only the caller's owner's rows (any of the owner's keys), newest first, without internal ids", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const aliceFeed = credsOf(await makeKey(alice, { scopes: ["inventory:read"] }));
    const aliceReports = credsOf(await makeKey(alice, { scopes: ["logs:read"] }));
    const bobFeed = credsOf(await makeKey(bob, { scopes: ["inventory:read"] }));

    const aliceIds: string[] = [];
    for (let i = 0; i < 3; i++)
      aliceIds.push(
        (await call(inventoryRoute, { path: "/api/v1/inventory", key: aliceFeed })).headers.get("x-request-id")!,
      );
    aliceIds.push(
      (await call(inventoryRoute, { path: "/api/v1/inventory?limit=0", key: aliceFeed })).headers.get("x-request-id")!,
    );
    const bobIds: string[] = [];
    for (let i = 0; i < 2; i++)
      bobIds.push(
        (await call(inventoryRoute, { path: "/api/v1/inventory", key: bobFeed })).headers.get("x-request-id")!,
      );
    await services().logWriter.flush();

    const res = await call(logsRoute, { path: "/api/v1/logs?limit=100", key: aliceReports });
    expect(res.status).toBe(200);
    const rows = res.body!.data as Record<string, unknown>[];
    expect(rows.map((r) => r.requestId)).toEqual([...aliceIds].reverse());
    for (const row of rows) {
      expect(row).not.toHaveProperty("id");
      expect(row).not.toHaveProperty("ownerId");
      expect(row.keyId).toBe(aliceFeed.keyId);
    }
    expect(rows[0]).toMatchObject({
      status: 400,
      errorCode: "validation_failed",
      route: "/api/v1/inventory",
      path: "/api/v1/inventory",
      method: "GET",
    });
    expect(res.body!.nextCursor).toBeNull();

    const bobView = await call(logsRoute, {
      path: "/api/v1/logs",
      key: credsOf(await makeKey(bob, { scopes: ["logs:read"] })),
    });
    expect(bobView.body!.data.map((r: { requestId: string }) => r.requestId)).toEqual([...bobIds].reverse());
  });

  it("filters by status class and key id", async () => {
    const owner = await makeUser();
    const feed = credsOf(await makeKey(owner, { scopes: ["inventory:read"] }));
    const reports = credsOf(await makeKey(owner, { scopes: ["logs:read"] }));
    const ok = (await call(inventoryRoute, { path: "/api/v1/inventory", key: feed })).headers.get("x-request-id");
    const bad = (await call(inventoryRoute, { path: "/api/v1/inventory?condition=Z", key: feed })).headers.get(
      "x-request-id",
    );
    await services().logWriter.flush();
    const only4xx = await call(logsRoute, { path: `/api/v1/logs?status=4xx&keyId=${feed.keyId}`, key: reports });
    expect(only4xx.body!.data.map((r: { requestId: string }) => r.requestId)).toEqual([bad]);
    const only2xx = await call(logsRoute, { path: `/api/v1/logs?status=200&keyId=${feed.keyId}`, key: reports });
    expect(only2xx.body!.data.map((r: { requestId: string }) => r.requestId)).toEqual([ok]);
  });

  it("a bad filter is 400", async () => {
    const reports = credsOf(await makeKey(await makeUser(), { scopes: ["logs:read"] }));
    const res = await call(logsRoute, { path: "/api/v1/logs?range=2y", key: reports });
    expect(res.status).toBe(400);
    expect(res.body!.error).toMatchObject({
      code: "validation_failed",
      message: "query.range: expected one of 15m, 1h, 24h, 7d, 30d",
    });
  });
});
