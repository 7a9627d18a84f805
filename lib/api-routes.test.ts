import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, test } from "vitest";
import { ALL_API_ROUTES, API_ROUTES, endpointsForScopes } from "./api-routes";
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

  it("routeFileFor maps a catalog path to its Next.js file (the mapping the tests above rely on)", () => {
    expect(path.relative(process.cwd(), routeFileFor("/api/v1/offers/{id}/withdraw"))).toBe(
      path.join("app", "api", "v1", "offers", "[id]", "withdraw", "route.ts"),
    );
  });
});

describe("endpointsForScopes", () => {
  it("is empty for no scopes and for unknown scopes", () => {
    expect(endpointsForScopes([])).toEqual([]);
    expect(endpointsForScopes(["offers:admin"])).toEqual([]);
  });

  test.each([
    [["inventory:read"], ["GET /api/v1/inventory", "GET /api/v1/inventory/{id}"]],
    [["offers:write"], ["POST /api/v1/offers", "POST /api/v1/offers/{id}/withdraw"]],
    [["logs:read"], ["GET /api/v1/logs"]],
    [
      ["keys:write"],
      [
        "POST /api/v1/keys",
        "PATCH /api/v1/keys/{keyId}",
        "POST /api/v1/keys/{keyId}/rotate",
        "POST /api/v1/keys/{keyId}/revoke",
      ],
    ],
  ])("%j allows exactly %j", (scopes, expected) => {
    const got = endpointsForScopes(scopes).map((e) => `${e.method} ${e.path}`);
    expect(got.sort()).toEqual([...expected].sort());
  });

  it("for a scope set is the union of its scopes' endpoints, each with the scope that allows it", () => {
    const scopes = ["inventory:read", "offers:read", "offers:write"];
    const union = scopes.flatMap((s) => endpointsForScopes([s]));
    const together = endpointsForScopes(scopes);
    expect(together).toHaveLength(union.length);
    expect(new Set(together.map((e) => `${e.method} ${e.path}`))).toEqual(
      new Set(union.map((e) => `${e.method} ${e.path}`)),
    );
    for (const e of together) expect(scopes).toContain(e.scope);
  });

  it("for every scope in the catalog covers every route", () => {
    expect(endpointsForScopes(SCOPES)).toHaveLength(ALL_API_ROUTES.length);
  });
});
