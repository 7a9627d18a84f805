import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, test } from "vitest";
import { ALL_API_ROUTES, API_ROUTES, errorCodesOf } from "./api-routes";
import { ROUTE_LIST } from "./route-list";
import { SCOPES, isScope } from "./scopes";

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

  test.each(ALL_API_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s has a route file exporting that method through API_ROUTES.<operationId>",
    (_label, route) => {
      const file = routeFileFor(route.path);
      expect(fs.existsSync(file), `${path.relative(process.cwd(), file)} should exist`).toBe(true);
      const source = fs.readFileSync(file, "utf8");
      const exported = new RegExp(
        `export const ${route.method}\\s*=\\s*withApiKey\\(\\s*API_ROUTES\\.${route.operationId}\\b`,
      );
      expect(source).toMatch(exported);
    },
  );

  it("every route file under app/api/v1 (except openapi.json) is in the catalog, with no extra exported method", () => {
    const files = allRouteFiles(API_DIR).filter((f) => !f.includes(`${path.sep}openapi.json${path.sep}`));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const source = fs.readFileSync(file, "utf8");
      const methods = [
        ...source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g),
      ].map((m) => m[1]);
      expect(methods.length, `${file} exports no handler`).toBeGreaterThan(0);
      for (const method of methods) {
        const inCatalog = ALL_API_ROUTES.some((r) => r.method === method && routeFileFor(r.path) === file);
        expect(inCatalog, `${method} ${path.relative(process.cwd(), file)} is not in API_ROUTES`).toBe(true);
      }
    }
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
    const guard = ["missing_credentials", "invalid_credentials", "key_revoked", "key_expired", "ip_not_allowed"];
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
