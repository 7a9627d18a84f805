import { describe, expect, it } from "vitest";
import { GET as inventoryRoute } from "@/app/api/v1/inventory/route";
import { GET as inventoryItemRoute } from "@/app/api/v1/inventory/[id]/route";
import { call, credsOf, logPage, makeKey, makeUser } from "@/test/fixtures";
import { db } from "../db";
import { generateKeyId, generateSecret } from "../keys/key-format";
import { services } from "../services";
import { queryLogs } from "./query-logs";

describe("every partner request is logged once, refusals included", () => {
  it("N requests with a mix of keys and outcomes -> exactly N rows with the right fields; rollups add up", async () => {
    const owner = await makeUser();
    const feed = await makeKey(owner, {
      name: "Feed",
      partner: "Acme",
      scopes: ["inventory:read"],
      environment: "test",
    });
    const noScope = await makeKey(owner, { name: "Reports", scopes: ["logs:read"] });
    const unknownKeyId = generateKeyId("live");

    type Expect = {
      status: number;
      errorCode: string | null;
      keyId: string | null;
      apiKey: boolean;
      route: string;
      ip: string;
    };
    const cases: { init: Parameters<typeof call>[1]; handler: Parameters<typeof call>[0]; want: Expect }[] = [
      {
        handler: inventoryRoute,
        init: { path: "/api/v1/inventory", key: credsOf(feed), ip: "198.51.100.1" },
        want: {
          status: 200,
          errorCode: null,
          keyId: feed.key.keyId,
          apiKey: true,
          route: "/api/v1/inventory",
          ip: "198.51.100.1",
        },
      },
      {
        handler: inventoryRoute,
        init: {
          path: "/api/v1/inventory",
          key: { keyId: feed.key.keyId, secret: generateSecret("test") },
          ip: "198.51.100.2",
        },
        // A real key id with a wrong secret: attributed to that key and its owner, so the owner sees it.
        want: {
          status: 401,
          errorCode: "invalid_credentials",
          keyId: feed.key.keyId,
          apiKey: true,
          route: "/api/v1/inventory",
          ip: "198.51.100.2",
        },
      },
      {
        handler: inventoryRoute,
        init: {
          path: "/api/v1/inventory",
          key: { keyId: unknownKeyId, secret: generateSecret("live") },
          ip: "198.51.100.3",
        },
        want: {
          status: 401,
          errorCode: "invalid_credentials",
          keyId: unknownKeyId,
          apiKey: false,
          route: "/api/v1/inventory",
          ip: "198.51.100.3",
        },
      },
      {
        handler: inventoryRoute,
        init: { path: "/api/v1/inventory", ip: "198.51.100.4" },
        want: {
          status: 401,
          errorCode: "missing_credentials",
          keyId: null,
          apiKey: false,
          route: "/api/v1/inventory",
          ip: "198.51.100.4",
        },
      },
      {
        handler: inventoryRoute,
        init: { path: "/api/v1/inventory", headers: { "x-api-key": feed.key.keyId }, ip: "198.51.100.5" },
        want: {
          status: 401,
          errorCode: "missing_credentials",
          keyId: feed.key.keyId,
          apiKey: false,
          route: "/api/v1/inventory",
          ip: "198.51.100.5",
        },
      },
      {
        handler: inventoryRoute,
        init: { path: "/api/v1/inventory", key: credsOf(noScope), ip: "198.51.100.6" },
        want: {
          status: 403,
          errorCode: "insufficient_scope",
          keyId: noScope.key.keyId,
          apiKey: true,
          route: "/api/v1/inventory",
          ip: "198.51.100.6",
        },
      },
      {
        handler: inventoryItemRoute,
        init: {
          path: "/api/v1/inventory/missing-item",
          key: credsOf(feed),
          params: { id: "missing-item" },
          ip: "2001:db8::9",
        },
        want: {
          status: 404,
          errorCode: "not_found",
          keyId: feed.key.keyId,
          apiKey: true,
          route: "/api/v1/inventory/{id}",
          ip: "2001:db8::9",
        },
      },
      {
        handler: inventoryRoute,
        init: {
          path: "/api/v1/inventory?limit=2",
          key: credsOf(feed),
          ip: "198.51.100.1",
          headers: { "user-agent": "acme-sync/1.0" },
        },
        want: {
          status: 200,
          errorCode: null,
          keyId: feed.key.keyId,
          apiKey: true,
          route: "/api/v1/inventory",
          ip: "198.51.100.1",
        },
      },
    ];

    const before = await db().requestLog.count();
    const sent: { requestId: string; want: Expect; path: string }[] = [];
    for (const c of cases) {
      const res = await call(c.handler, c.init);
      expect(res.status).toBe(c.want.status);
      sent.push({ requestId: res.headers.get("x-request-id")!, want: c.want, path: c.init.path.split("?")[0]! });
    }
    await services().logWriter.flush();

    expect(await db().requestLog.count()).toBe(before + cases.length);
    const feedRow = await db().apiKey.findUniqueOrThrow({ where: { keyId: feed.key.keyId } });
    const noScopeRow = await db().apiKey.findUniqueOrThrow({ where: { keyId: noScope.key.keyId } });
    const internalId: Record<string, string> = { [feed.key.keyId]: feedRow.id, [noScope.key.keyId]: noScopeRow.id };
    for (const { requestId, want, path } of sent) {
      const row = await db().requestLog.findUniqueOrThrow({ where: { requestId } });
      expect(row).toMatchObject({
        requestId,
        status: want.status,
        statusClass: `${String(want.status)[0]}xx`,
        errorCode: want.errorCode,
        keyId: want.keyId,
        apiKeyId: want.apiKey ? internalId[want.keyId!] : null,
        ownerId: want.apiKey ? owner.userId : null,
        route: want.route,
        path,
        method: "GET",
        ip: want.ip,
        secretSlot: want.status === 200 || want.status === 403 || want.status === 404 ? "current" : null,
      });
      expect(row.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const withUa = await db().requestLog.findUniqueOrThrow({ where: { requestId: sent[7]!.requestId } });
    expect(withUa).toMatchObject({ userAgent: "acme-sync/1.0", keyName: "Feed", partner: "Acme", environment: "test" });

    // Rollups: at every resolution, per status class, the counts equal the raw rows.
    const raw = await db().requestLog.groupBy({ by: ["statusClass"], _count: { _all: true } });
    const rawByClass = Object.fromEntries(raw.map((r) => [r.statusClass, r._count._all]));
    expect(rawByClass).toEqual({ "2xx": 2, "4xx": 6 });
    const rolled = await db().requestRollup.groupBy({ by: ["resolution", "statusClass"], _sum: { count: true } });
    for (const resolution of ["minute", "hour"]) {
      const byClass = Object.fromEntries(
        rolled.filter((r) => r.resolution === resolution).map((r) => [r.statusClass, r._sum.count]),
      );
      expect(byClass, resolution).toEqual(rawByClass);
    }
    for (const r of await db().requestRollup.findMany()) {
      expect(r.h0 + r.h1 + r.h2 + r.h3 + r.h4 + r.h5 + r.h6 + r.h7 + r.h8 + r.h9 + r.h10 + r.h11).toBe(r.count);
    }

    // The owner's log view shows the requests of their keys (a wrong secret included); the anonymous ones
    // belong to no one.
    const page = await queryLogs(owner, logPage({ limit: 100 }));
    expect(page.data.map((r) => r.requestId).sort()).toEqual(
      sent
        .filter((s) => s.want.apiKey)
        .map((s) => s.requestId)
        .sort(),
    );

    // A successful request marks the key as used (batched with the log write), a refusal does not.
    expect((await db().apiKey.findUniqueOrThrow({ where: { keyId: feed.key.keyId } })).lastUsedAt).not.toBeNull();
    expect((await db().apiKey.findUniqueOrThrow({ where: { keyId: noScope.key.keyId } })).lastUsedAt).toBeNull();
    expect(await db().keyScopeUsage.findMany({ where: { apiKeyId: feedRow.id }, select: { scope: true } })).toEqual([
      { scope: "inventory:read" },
    ]);
  });
});
