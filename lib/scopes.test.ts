import { describe, expect, it, test } from "vitest";
import {
  isScope,
  levelForResource,
  normaliseScopes,
  RESOURCES,
  SCOPE_TEMPLATES,
  SCOPES,
  scopesBeyond,
  scopesForLevel,
} from "./scopes";

describe("scope catalog", () => {
  it("every resource level is a catalog scope, and every catalog scope comes from a resource level", () => {
    const fromResources = RESOURCES.flatMap((r) => r.levels.map((l) => `${r.id}:${l}`));
    expect([...fromResources].sort()).toEqual([...SCOPES].sort());
  });

  test.each([
    ["offers:write", true],
    ["offers:admin", false],
    ["OFFERS:READ", false],
    ["", false],
  ])("isScope(%j) -> %s", (value, expected) => {
    expect(isScope(value)).toBe(expected);
  });
});

describe("scopesForLevel: Write includes Read", () => {
  test.each([
    ["offers", "write", ["offers:read", "offers:write"]],
    ["offers", "read", ["offers:read"]],
    ["offers", "none", []],
    ["keys", "write", ["keys:read", "keys:write"]],
    // A resource with no write level: asking for write gives what exists (read), never an invented scope.
    ["inventory", "write", ["inventory:read"]],
    ["logs", "read", ["logs:read"]],
  ] as const)("%s at %s -> %j", (resource, level, expected) => {
    expect(scopesForLevel(resource, level)).toEqual(expected);
  });

  it("round-trips with levelForResource for every resource and level", () => {
    for (const r of RESOURCES) {
      for (const level of ["none", ...r.levels] as const) {
        expect(levelForResource(scopesForLevel(r.id, level), r.id)).toBe(level);
      }
    }
  });

  it("levelForResource reads the highest level held", () => {
    expect(levelForResource(["offers:write"], "offers")).toBe("write");
    expect(levelForResource(["offers:read", "inventory:read"], "offers")).toBe("read");
    expect(levelForResource(["inventory:read"], "offers")).toBe("none");
  });
});

describe("normaliseScopes", () => {
  it("orders by the catalog and drops duplicates and unknown names", () => {
    expect(normaliseScopes(["keys:write", "inventory:read", "keys:write", "bogus"])).toEqual([
      "inventory:read",
      "keys:write",
    ]);
  });
});

describe("scopesBeyond: the subset rule", () => {
  test.each([
    [["inventory:read"], ["inventory:read", "offers:read"], []],
    [[], ["inventory:read"], []],
    [["offers:write"], ["offers:read"], ["offers:write"]],
    [["inventory:read", "offers:write", "logs:read"], ["inventory:read"], ["offers:write", "logs:read"]],
    [["keys:write"], [], ["keys:write"]],
  ])("requested %j, granted %j -> beyond %j", (requested, granted, expected) => {
    expect(scopesBeyond(requested, granted)).toEqual(expected);
  });

  it("is empty exactly when requested is a subset of granted (all pairs of the catalog's subsets)", () => {
    const subsets = Array.from({ length: 1 << SCOPES.length }, (_, mask) => SCOPES.filter((_s, i) => mask & (1 << i)));
    for (const requested of subsets.filter((_, i) => i % 7 === 0)) {
      for (const granted of subsets.filter((_, i) => i % 5 === 0)) {
        const isSubset = requested.every((s) => granted.includes(s));
        expect(scopesBeyond(requested, granted).length === 0).toBe(isSubset);
      }
    }
  });
});

describe("scope templates", () => {
  test.each(SCOPE_TEMPLATES.map((t) => [t.id, t] as const))(
    "%s uses only catalog scopes, without duplicates",
    (_id, template) => {
      expect(template.scopes.length).toBeGreaterThan(0);
      for (const scope of template.scopes) expect(isScope(scope)).toBe(true);
      expect(new Set(template.scopes).size).toBe(template.scopes.length);
    },
  );

  it("template ids are unique", () => {
    const ids = SCOPE_TEMPLATES.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("templates that grant a write also grant its read (Write includes Read)", () => {
    for (const t of SCOPE_TEMPLATES) {
      for (const scope of t.scopes) {
        if (scope.endsWith(":write")) expect(t.scopes as readonly string[]).toContain(scope.replace(":write", ":read"));
      }
    }
  });

  it("no partner template grants key management", () => {
    for (const t of SCOPE_TEMPLATES.filter((t) => t.id !== "key-automation")) {
      expect(t.scopes.some((s) => s.startsWith("keys:"))).toBe(false);
    }
  });
});
