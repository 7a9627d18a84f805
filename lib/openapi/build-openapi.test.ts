import { WEBHOOK_EVENT_TYPES } from "../keys/key-vocabulary";
import { describe, expect, it, test } from "vitest";
import { buildOpenApiDocument } from "./build-openapi";
import { ALL_API_ROUTES, errorCodesOf, successStatuses } from "../api-routes";
import { ERROR_STATUS } from "../errors";
import { SCOPES } from "../scopes";
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";

type Operation = {
  operationId: string;
  "x-required-scope": string;
  security: Record<string, string[]>[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content: Record<string, { schema: Record<string, unknown> }> }>;
  tags: string[];
};

const doc = buildOpenApiDocument("https://keyward.example");
const op = (method: string, path: string) =>
  (doc.paths[path] as Record<string, Operation> | undefined)?.[method.toLowerCase()];

describe("OpenAPI document", () => {
  it("is an OpenAPI 3.1 document with info, servers, tags and security schemes", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(doc.servers).toEqual([{ url: "https://keyward.example" }]);
    expect(buildOpenApiDocument()).not.toHaveProperty("servers");
    expect(doc.components.securitySchemes.apiKeyPair).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "X-API-Key",
    });
    expect(doc.components.securitySchemes.basicAuth).toMatchObject({ type: "http", scheme: "basic" });
    const error = doc.components.schemas.Error as {
      properties: { error: { properties: { code: { enum: string[] } } } };
    };
    expect(error.properties.error.properties.code.enum).toEqual(Object.keys(ERROR_STATUS));
    expect(doc["x-scopes"].map((s) => s.scope)).toEqual([...SCOPES]);
    expect(() => JSON.parse(JSON.stringify(doc))).not.toThrow();
  });

  it("has exactly the catalog's operations, with unique operationIds", () => {
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    // The catalog's, plus the one public operation (secret scanners report leaks without credentials).
    expect(ops.sort()).toEqual([...ALL_API_ROUTES.map((r) => `${r.method} ${r.path}`), "POST /api/v1/leaks"].sort());
    const ids = Object.values(doc.paths).flatMap((methods) =>
      Object.values(methods as Record<string, Operation>).map((o) => o.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  test.each(ALL_API_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s: scope, security, parameters, responses",
    (_label, route) => {
      const o = op(route.method, route.path)!;
      expect(o.operationId).toBe(route.operationId);
      expect(o["x-required-scope"]).toBe(route.scope);
      expect(o.security).toEqual([{ apiKeyPair: [route.scope] }, { basicAuth: [route.scope] }]);
      expect(o.tags).toEqual([route.tag]);

      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(o.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(pathParams);
      for (const p of o.parameters.filter((p) => p.in === "path")) expect(p.required).toBe(true);
      for (const p of o.parameters) expect(["path", "query", "header"]).toContain(p.in);

      if (route.body) expect(o.requestBody?.content["application/json"]?.schema).toMatchObject({ type: "object" });
      else expect(o.requestBody).toBeUndefined();

      for (const status of successStatuses(route)) {
        expect(o.responses[String(status)]?.content["application/json"]?.schema).toMatchObject({ type: "object" });
      }
      // Every error status the route can answer with, each narrowed to exactly the route's codes for it.
      const documented = Object.entries(o.responses)
        .filter(([status]) => Number(status) >= 400)
        .flatMap(([status, r]) => {
          const schema = r.content["application/json"]!.schema as {
            allOf: [{ $ref: string }, { properties: { error: { properties: { code: { enum: string[] } } } } }];
          };
          expect(schema.allOf[0]).toEqual({ $ref: "#/components/schemas/Error" });
          const codes = schema.allOf[1].properties.error.properties.code.enum;
          expect(r.description.split(", ")).toEqual(codes);
          for (const code of codes) expect(String(ERROR_STATUS[code as keyof typeof ERROR_STATUS])).toBe(status);
          return codes;
        });
      expect(documented.sort()).toEqual(errorCodesOf(route).sort());
    },
  );

  it("documents storage_unavailable (503) with Retry-After on every operation, and Retry-After on 429", () => {
    for (const route of ALL_API_ROUTES) {
      const responses = op(route.method, route.path)!.responses as Record<
        string,
        { description: string; headers?: Record<string, unknown> }
      >;
      expect(responses["503"]?.description, route.operationId).toBe("storage_unavailable");
      for (const status of ["503", "429"]) {
        expect(responses[status]?.headers, `${route.operationId} ${status}`).toEqual({
          "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" },
          "Retry-After": { $ref: "#/components/headers/Retry-After" },
        });
      }
      // Other errors carry the request id only (404 is documented on every route with a path id or not found).
      for (const status of Object.keys(responses).filter((s) => s >= "400" && s !== "429" && s !== "503")) {
        expect(responses[status]?.headers, `${route.operationId} ${status}`).toEqual({
          "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" },
        });
      }
    }
  });

  it("documents the list filters as query parameters", () => {
    const names = op("GET", "/api/v1/inventory")!.parameters.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(["brand", "model", "condition", "minPriceCents", "maxPriceCents", "limit", "cursor"]),
    );
    const logNames = op("GET", "/api/v1/logs")!.parameters.map((p) => p.name);
    expect(logNames).toEqual(expect.arrayContaining(["range", "from", "to", "status", "limit", "cursor", "order"]));
  });

  it("is served at /api/v1/openapi.json", async () => {
    const res = await openApiRoute();
    expect(res.status).toBe(200);
    const body = (await res.json()) as typeof doc;
    expect(body.openapi).toBe(doc.openapi);
    expect(Object.keys(body.paths).sort()).toEqual(Object.keys(doc.paths).sort());
  });
});

describe("key events in the document", () => {
  const doc = buildOpenApiDocument() as unknown as {
    paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    webhooks: Record<
      string,
      {
        post: {
          requestBody: { content: { "application/json": { schema: { properties: { type: { const: string } } } } } };
        };
      }
    >;
  };

  it("documents every webhook event type with its own payload schema", () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const type of WEBHOOK_EVENT_TYPES) {
      const schema = doc.webhooks[type]!.post.requestBody.content["application/json"].schema;
      expect(schema.properties.type.const).toBe(type);
    }
  });

  it("documents the public leak report: no security, 202 and its errors", () => {
    const leaks = doc.paths["/api/v1/leaks"]!.post!;
    expect(leaks.security).toEqual([]);
    expect(Object.keys(leaks.responses).sort()).toEqual(["202", "400", "413", "415", "429", "500", "503"]);
  });
});
