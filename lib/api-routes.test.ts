import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, test } from "vitest";
import { ALL_API_ROUTES, API_ROUTES, errorCodesOf } from "./api-routes";
import { ROUTE_LIST, UNGUARDED_API_ROUTES } from "./route-list";
import { SCOPES, isScope } from "./scopes";
import { db } from "./db";
import { services } from "./services";
import { call } from "@/test/fixtures";

const HTTP_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

const API_DIR = path.join(process.cwd(), "app", "api", "v1");

/** `/api/v1/offers/{id}/withdraw` -> `app/api/v1/offers/[id]/withdraw/route.ts` */
function routeFileFor(apiPath: string): string {
  const rel = apiPath.replace(/^\/api\/v1\//, "").replace(/\{(\w+)\}/g, "[$1]");
  return path.join(API_DIR, ...rel.split("/"), "route.ts");
}

function allRouteFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return allRouteFiles(full);
    return e.name === "route.ts" ? [full] : [];
  });
}

describe("route catalog", () => {
  it("keys of API_ROUTES equal their operationId, and (method, path) pairs are unique", () => {
    for (const [name, route] of Object.entries(API_ROUTES)) expect(route.operationId).toBe(name);
    const pairs = ALL_API_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it("every route needs a catalog scope, and every scope is used by some route", () => {
    for (const r of ALL_API_ROUTES) expect(isScope(r.scope)).toBe(true);
    expect(new Set(ALL_API_ROUTES.map((r) => r.scope))).toEqual(new Set(SCOPES));
  });

  it("every route file under app/api/v1 serves exactly its catalog routes, through the guard (but three)", async () => {
    // The routes no API key calls (UNGUARDED_API_ROUTES) are outside the catalog.
    const outside = new Set(UNGUARDED_API_ROUTES.map((r) => routeFileFor(r.path)));
    const files = allRouteFiles(API_DIR).filter((f) => !outside.has(f));
    const served = new Set<string>();
    for (const file of files) {
      const mod = (await import(file)) as Record<string, unknown>;
      const methods = Object.keys(mod).filter((name) => HTTP_METHODS.has(name));
      expect(methods.length, `${file} exports no handler`).toBeGreaterThan(0);
      for (const method of methods) {
        const route = ALL_API_ROUTES.find((r) => r.method === method && routeFileFor(r.path) === file);
        expect(route, `${method} ${path.relative(process.cwd(), file)} is not in API_ROUTES`).toBeDefined();
        // A key id without its secret: the guard refuses before any session or handler, and logs the request
        // under the catalog route it was built for (an export wired to another route would log that one).
        const handler = mod[method] as Parameters<typeof call>[0];
        const answer = await call(handler, {
          method,
          path: route!.path.replace(/\{\w+\}/g, "x"),
          headers: { "x-api-key": "kw_test_0000000000000000" },
        });
        expect(answer.status, `${method} ${route!.path}`).toBe(401);
        expect(answer.body?.error?.code).toBe("missing_credentials");
        await services().logWriter.flush();
        const logged = await db().requestLog.findUniqueOrThrow({
          where: { requestId: answer.headers.get("x-request-id")! },
        });
        expect({ method: logged.method, route: logged.route }).toEqual({ method, route: route!.path });
        expect((handler as { route?: unknown }).route, `${method} ${route!.path} is built for another route`).toBe(
          route,
        );
        served.add(`${method} ${route!.path}`);
      }
    }
    expect([...served].sort()).toEqual(ALL_API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("is exactly the plain route list with schemas attached (one source for the dashboard and the contract)", () => {
    expect(Object.keys(API_ROUTES).sort()).toEqual(Object.keys(ROUTE_LIST).sort());
    for (const [name, info] of Object.entries(ROUTE_LIST)) {
      expect(API_ROUTES[name as keyof typeof API_ROUTES]).toMatchObject(info);
    }
  });

  test.each(ALL_API_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s: the params schema has exactly the path's placeholders, and accepts any id (unknown ids are 404s)",
    (_label, route) => {
      const placeholders = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      if (placeholders.length === 0) {
        expect(route.params).toBeUndefined();
        return;
      }
      const odd = Object.fromEntries(placeholders.map((p) => [p, "x".repeat(500)]));
      expect(route.params!.parse(odd)).toEqual(odd);
      expect(route.params!.safeParse({ ...odd, extra: "1" }).success).toBe(false);
      for (const p of placeholders) {
        const { [p]: _dropped, ...missing } = odd;
        expect(route.params!.safeParse(missing).success).toBe(false);
      }
    },
  );

  it("each route's errors are its own plus the guard's, derived from its shape", () => {
    const guard = [
      "missing_credentials",
      "invalid_credentials",
      "key_revoked",
      "key_expired",
      "key_suspended",
      "ip_not_allowed",
    ];
    const always = [...guard, "insufficient_scope", "rate_limited", "storage_unavailable", "internal_error"];
    expect(errorCodesOf(API_ROUTES.getInventoryItem).sort()).toEqual(
      [...always, "validation_failed", "not_found"].sort(),
    );
    expect(errorCodesOf(API_ROUTES.listInventory).sort()).toEqual([...always, "validation_failed"].sort());
    expect(errorCodesOf(API_ROUTES.createOffer).sort()).toEqual(
      [
        ...always,
        "validation_failed",
        "payload_too_large",
        "unsupported_media_type",
        "not_found",
        "item_unavailable",
        "idempotency_conflict",
      ].sort(),
    );
    // Session-authenticated writes can be refused as cross-site; reads cannot.
    expect(errorCodesOf(API_ROUTES.revokeKey)).toContain("forbidden");
    expect(errorCodesOf(API_ROUTES.getKey)).not.toContain("forbidden");
    for (const route of ALL_API_ROUTES) {
      expect(new Set(errorCodesOf(route)).size, route.operationId).toBe(errorCodesOf(route).length);
    }
  });

  it("routeFileFor maps a catalog path to its Next.js file (the mapping the tests above rely on)", () => {
    expect(path.relative(process.cwd(), routeFileFor("/api/v1/offers/{id}/withdraw"))).toBe(
      path.join("app", "api", "v1", "offers", "[id]", "withdraw", "route.ts"),
    );
  });
});
