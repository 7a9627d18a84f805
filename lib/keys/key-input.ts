import "server-only";
import { z } from "zod";
import { SCOPES } from "../scopes";
import { KEY_ENVIRONMENTS, KEY_LIST_STATUSES, LEAK_POLICIES, MAX_GRACE_SECONDS } from "./key-vocabulary";
import { canonicalIpRange, isValidIpRange } from "./ip-allowlist";

const scopeList = z
  .array(z.enum(SCOPES, { error: (i) => `unknown scope "${String(i.input)}"; known scopes: ${SCOPES.join(", ")}` }))
  .max(SCOPES.length * 2);

const ipList = z
  .array(
    z
      .string()
      .max(64)
      .refine(isValidIpRange, {
        error: (i) => `"${String(i.input)}" is not an IPv4 (dotted decimal) or IPv6 address or CIDR range`,
      })
      .transform(canonicalIpRange),
  )
  .max(100, "at most 100 entries");

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .transform((s) => (s === "" ? null : s))
    .nullable()
    .optional();

/** Four-digit years only: the database and ISO 8601's usual form end at 9999-12-31. */
const LAST_EXPIRY_MS = Date.UTC(10000, 0, 1) - 1;

const futureDate = z.coerce
  .date({ error: "expected an ISO 8601 date-time" })
  .refine((d) => d.getTime() > Date.now(), "must be in the future")
  .refine((d) => d.getTime() <= LAST_EXPIRY_MS, "must be on or before 9999-12-31T23:59:59.999Z")
  .nullable()
  .optional();

const rateLimit = z
  .number({ error: "expected a whole number of requests per minute" })
  .int("expected a whole number of requests per minute")
  .min(1, "must be at least 1")
  .max(1_000_000, "at most 1000000")
  .nullable()
  .optional();

const leakPolicy = z
  .enum(LEAK_POLICIES, { error: "expected revoke or notify" })
  .describe("On a reported leak of a live secret: revoke the key at once (default), or only notify");
const partnerId = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64, "at most 64 characters")
  .nullable()
  .optional()
  .describe("One of the owner's partners (GET /api/v1/partners); null detaches the key from its partner");
const partnerName = optionalText(80).describe(
  "A partner by name: the owner's partner of that name, created when there is none yet. Send this or partnerId",
);

export const createKeyInput = z.strictObject({
  name: z.string().trim().min(1, "is required").max(80, "at most 80 characters"),
  partnerId,
  partner: partnerName,
  description: optionalText(500),
  environment: z
    .enum(KEY_ENVIRONMENTS, { error: "expected live or test" })
    .optional()
    .describe("Defaults to the calling key's own environment (a dashboard user: live)"),
  scopes: scopeList.default([]),
  expiresAt: futureDate,
  ipAllowlist: ipList.default([]),
  rateLimitPerMinute: rateLimit,
  leakPolicy: leakPolicy.default("revoke"),
});
export type CreateKeyInput = z.infer<typeof createKeyInput>;

export const updateKeyInput = z
  .strictObject({
    name: z.string().trim().min(1, "is required").max(80, "at most 80 characters").optional(),
    partnerId,
    partner: partnerName,
    description: optionalText(500),
    scopes: scopeList.optional(),
    expiresAt: futureDate,
    ipAllowlist: ipList.optional(),
    rateLimitPerMinute: rateLimit,
    leakPolicy: leakPolicy.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");
export type UpdateKeyInput = z.infer<typeof updateKeyInput>;

export const rotateKeyInput = z.strictObject({
  graceSeconds: z
    .number({ error: "expected a whole number of seconds" })
    .int("expected a whole number of seconds")
    .min(0, "must be 0 or more")
    .max(MAX_GRACE_SECONDS, `at most ${MAX_GRACE_SECONDS} (30 days)`)
    .default(0),
});
export type RotateKeyInput = z.infer<typeof rotateKeyInput>;

export const revokeKeyInput = z.strictObject({
  reason: z.string().trim().min(1, "is required").max(500, "at most 500 characters"),
});
export type RevokeKeyInput = z.infer<typeof revokeKeyInput>;

export const suspendKeyInput = z.strictObject({
  reason: z.string().trim().min(1, "is required").max(500, "at most 500 characters"),
});
export type SuspendKeyInput = z.infer<typeof suspendKeyInput>;

export const resumeKeyInput = z.strictObject({
  reason: z.string().trim().max(500, "at most 500 characters").optional(),
});
export type ResumeKeyInput = z.infer<typeof resumeKeyInput>;

export const listKeysQuery = z.object({
  status: z
    .enum(KEY_LIST_STATUSES)
    .optional()
    .describe("A key status, or expiring: active keys that expire within 14 days"),
  environment: z.enum(KEY_ENVIRONMENTS).optional(),
  partner: z.string().max(80).optional().describe("Partner name"),
  partnerId: z.string().max(64).optional(),
  legacy: z.enum(["true", "false"]).optional().describe("true: only keys imported from the previous scheme"),
  q: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListKeysQuery = z.infer<typeof listKeysQuery>;
