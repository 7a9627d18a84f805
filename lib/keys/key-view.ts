import "server-only";
import type { Scope } from "../scopes";
import { normaliseScopes } from "../scopes";
import type { KeyEnvironment, KeyStatus } from "./key-vocabulary";

export type { KeyStatus } from "./key-vocabulary";

type KeyRow = {
  id: string;
  keyId: string;
  ownerId: string;
  name: string;
  partner: string | null;
  description: string | null;
  environment: string;
  scopes: string;
  ipAllowlist: string;
  rateLimitPerMinute: number | null;
  expiresAt: Date | null;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
  createdByUserId: string | null;
  createdByKeyId: string | null;
  owner?: { email: string } | null;
  secrets?: { lastFour: string; createdAt: Date; retiresAt: Date | null }[];
};

/** What the API and dashboard show of a key. Never includes a secret or its hash. */
export type KeyView = {
  keyId: string;
  name: string;
  partner: string | null;
  description: string | null;
  environment: KeyEnvironment;
  scopes: Scope[];
  ipAllowlist: string[];
  rateLimitPerMinute: number | null;
  expiresAt: string | null;
  status: KeyStatus;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
  ownerEmail?: string;
  secret: { lastFour: string; createdAt: string } | null;
  /** Rotated-out secrets still accepted until retiresAt (the grace period). */
  secretsInGrace: { lastFour: string; retiresAt: string }[];
};

export function parseJsonArray(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

export function keyStatus(row: { status: string; expiresAt: Date | null }, now = new Date()): KeyStatus {
  if (row.status === "revoked") return "revoked";
  if (row.status === "expired" || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return "expired";
  return "active";
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toKeyView(row: KeyRow, opts: { includeOwner?: boolean; now?: Date } = {}): KeyView {
  const now = opts.now ?? new Date();
  const secrets = row.secrets ?? [];
  const current = secrets.find((s) => s.retiresAt === null) ?? null;
  return {
    keyId: row.keyId,
    name: row.name,
    partner: row.partner,
    description: row.description,
    environment: row.environment === "test" ? "test" : "live",
    scopes: normaliseScopes(parseJsonArray(row.scopes)),
    ipAllowlist: parseJsonArray(row.ipAllowlist),
    rateLimitPerMinute: row.rateLimitPerMinute,
    expiresAt: iso(row.expiresAt),
    status: keyStatus(row, now),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
    revokedReason: row.revokedReason,
    ...(opts.includeOwner && row.owner ? { ownerEmail: row.owner.email } : {}),
    secret: current ? { lastFour: current.lastFour, createdAt: current.createdAt.toISOString() } : null,
    secretsInGrace: secrets
      .filter((s) => s.retiresAt !== null && s.retiresAt.getTime() > now.getTime())
      .map((s) => ({ lastFour: s.lastFour, retiresAt: s.retiresAt!.toISOString() })),
  };
}

export const keyViewInclude = {
  owner: { select: { email: true } },
  secrets: { select: { lastFour: true, createdAt: true, retiresAt: true }, orderBy: { createdAt: "desc" as const } },
};
