/**
 * The scope catalog: the single source of truth for what a key may do. The API-key guard enforces these,
 * the dashboard's scope picker renders them, and the OpenAPI document names them per operation.
 * Each partner route declares the one scope it needs in lib/api-routes.ts.
 */
export const RESOURCES = [
  { id: "inventory", label: "Inventory", description: "Device inventory available for buyback.", levels: ["read"] },
  { id: "offers", label: "Offers", description: "Purchase offers on inventory items.", levels: ["read", "write"] },
  { id: "logs", label: "Request logs", description: "The key owner's own API request log.", levels: ["read"] },
  { id: "keys", label: "API keys", description: "Manage API keys (automation).", levels: ["read", "write"] },
] as const;

export type ResourceId = (typeof RESOURCES)[number]["id"];
export type AccessLevel = "none" | "read" | "write";

export const SCOPES = [
  "inventory:read",
  "offers:read",
  "offers:write",
  "logs:read",
  "keys:read",
  "keys:write",
] as const;

export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  "inventory:read": "List and read inventory items",
  "offers:read": "List and read offers",
  "offers:write": "Submit and withdraw offers",
  "logs:read": "Read the request log of the key's owner",
  "keys:read": "List and read API keys",
  "keys:write": "Create, edit, rotate and revoke API keys (never beyond the calling key's own scopes)",
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Scopes granted by choosing a level for a resource: Write includes Read, as in Stripe's restricted keys. */
export function scopesForLevel(resource: ResourceId, level: AccessLevel): Scope[] {
  const def = RESOURCES.find((r) => r.id === resource);
  if (!def || level === "none") return [];
  const levels: readonly string[] = def.levels;
  const wanted = level === "write" ? ["read", "write"] : ["read"];
  return wanted.filter((l) => levels.includes(l)).map((l) => `${resource}:${l}` as Scope);
}

/** The level a scope set gives on a resource (for the picker). */
export function levelForResource(scopes: readonly string[], resource: ResourceId): AccessLevel {
  if (scopes.includes(`${resource}:write`)) return "write";
  if (scopes.includes(`${resource}:read`)) return "read";
  return "none";
}

/** Stable order, no duplicates. */
export function normaliseScopes(scopes: readonly string[]): Scope[] {
  const set = new Set(scopes);
  return SCOPES.filter((s) => set.has(s));
}

/** The scopes in `requested` that `granted` does not hold (empty when requested is a subset). */
export function scopesBeyond(requested: readonly string[], granted: readonly string[]): string[] {
  const grantedSet = new Set(granted);
  return requested.filter((s) => !grantedSet.has(s));
}

export const SCOPE_TEMPLATES = [
  {
    id: "data-feed",
    label: "Data feed: inventory read-only",
    description: "For a feed or catalogue sync that only reads inventory.",
    scopes: ["inventory:read"],
  },
  {
    id: "offers-bot",
    label: "Offer submission",
    description: "Reads inventory and submits or withdraws offers.",
    scopes: ["inventory:read", "offers:read", "offers:write"],
  },
  {
    id: "reporting",
    label: "Reporting: request log read-only",
    description: "For a monitoring script that reads the request log.",
    scopes: ["logs:read"],
  },
  {
    id: "full-partner",
    label: "Full partner access",
    description: "Every partner endpoint: inventory, offers and the request log. Not key management.",
    scopes: ["inventory:read", "offers:read", "offers:write", "logs:read"],
  },
  {
    id: "key-automation",
    label: "Key automation",
    description: "Lets automation manage keys, never beyond its own scopes.",
    scopes: ["keys:read", "keys:write"],
  },
] as const satisfies readonly { id: string; label: string; description: string; scopes: readonly Scope[] }[];
