import "server-only";
import { z } from "zod";
import { SCOPES, normaliseScopes } from "../scopes";
import { isoDateTime } from "../schema-values";
import { KEY_ENVIRONMENTS, KEY_STATUSES, LEAK_POLICIES, type KeyStatus, type LeakPolicy } from "./key-vocabulary";

export type { KeyStatus } from "./key-vocabulary";

type KeyRow = {
  id: string;
  keyId: string;
  ownerId: string;
  name: string;
  partner?: { id: string; name: string } | null;
  legacy?: boolean;
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
  suspendedAt?: Date | null;
  suspendedReason?: string | null;
  leakPolicy?: string;
  leakedAt?: Date | null;
  leakSource?: string | null;
  createdByUserId: string | null;
  createdByKeyId: string | null;
  owner?: { email: string } | null;
  secrets?: { lastFour: string; createdAt: Date; retiresAt: Date | null }[];
};

/** What the API and dashboard show of a key (the API documents exactly this). Never a secret or its hash. */
export const keyViewSchema = z.object({
  keyId: z.string(),
  name: z.string(),
  partnerId: z.string().nullable(),
  partner: z.string().nullable().describe("The partner's name"),
  legacy: z.boolean().describe("Imported from the previous one-pair-per-user scheme (POST /api/v1/keys/import)"),
  description: z.string().nullable(),
  environment: z.enum(KEY_ENVIRONMENTS),
  scopes: z.array(z.enum(SCOPES)),
  ipAllowlist: z.array(z.string()),
  rateLimitPerMinute: z.number().int().nullable(),
  expiresAt: isoDateTime.nullable(),
  status: z.enum(KEY_STATUSES),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
  revokedReason: z.string().nullable(),
  suspendedAt: isoDateTime.nullable().describe("When the key was suspended; null unless it is suspended"),
  suspendedReason: z.string().nullable(),
  leakPolicy: z
    .enum(LEAK_POLICIES)
    .describe("On a reported leak of a live secret: revoke the key at once, or only notify (flag it)"),
  leak: z
    .object({ reportedAt: isoDateTime, source: z.string() })
    .nullable()
    .describe("A reported leak of a live secret that is not yet dealt with (rotate or revoke the key)"),
  ownerEmail: z.string().optional().describe("The owner's email; only in answers to support staff"),
  secret: z.object({ lastFour: z.string(), createdAt: isoDateTime }).nullable(),
  secretsInGrace: z
    .array(z.object({ lastFour: z.string(), retiresAt: isoDateTime }))
    .describe("Rotated-out secrets still accepted until retiresAt (the grace period)"),
});
export type KeyView = z.output<typeof keyViewSchema>;

export function parseJsonArray(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/** Revoked beats expired beats suspended: a suspended key that passes its expiry is expired. */
export function keyStatus(row: { status: string; expiresAt: Date | null }, now = new Date()): KeyStatus {
  if (row.status === "revoked") return "revoked";
  if (row.status === "expired" || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return "expired";
  if (row.status === "suspended") return "suspended";
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
    partnerId: row.partner?.id ?? null,
    partner: row.partner?.name ?? null,
    legacy: row.legacy ?? false,
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
    suspendedAt: row.status === "suspended" ? iso(row.suspendedAt ?? null) : null,
    suspendedReason: row.status === "suspended" ? (row.suspendedReason ?? null) : null,
    leakPolicy: (row.leakPolicy === "notify" ? "notify" : "revoke") satisfies LeakPolicy,
    leak: row.leakedAt ? { reportedAt: row.leakedAt.toISOString(), source: row.leakSource ?? "" } : null,
    ...(opts.includeOwner && row.owner ? { ownerEmail: row.owner.email } : {}),
    secret: current ? { lastFour: current.lastFour, createdAt: current.createdAt.toISOString() } : null,
    secretsInGrace: secrets
      .filter((s) => s.retiresAt !== null && s.retiresAt.getTime() > now.getTime())
      .map((s) => ({ lastFour: s.lastFour, retiresAt: s.retiresAt!.toISOString() })),
  };
}

export const keyViewInclude = {
  owner: { select: { email: true } },
  partner: { select: { id: true, name: true } },
  secrets: { select: { lastFour: true, createdAt: true, retiresAt: true }, orderBy: { createdAt: "desc" as const } },
};
