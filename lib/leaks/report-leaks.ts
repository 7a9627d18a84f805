import "server-only";
import { z } from "zod";
import { db } from "../db";
import type { ErrorCode } from "../errors";
import { serializableTransaction } from "../db/transaction";
import { isWellFormedSecret, lastFour } from "../keys/key-format";
import { hashSecret } from "../keys/secret-hash";
import { recordAudit } from "../keys/audit";
import { invalidateKey } from "../keys/invalidate-key";

export const MAX_SECRETS_PER_REPORT = 100;
/** Reports accepted per client IP per minute (a scanner batches up to 100 secrets per report). */
export const LEAK_REPORTS_PER_MINUTE = 60;

export const leakReportInput = z.strictObject({
  secrets: z
    .array(z.string().max(200, "at most 200 characters"))
    .min(1, "send at least one secret")
    .max(MAX_SECRETS_PER_REPORT, `at most ${MAX_SECRETS_PER_REPORT} secrets per report`),
  source: z
    .string()
    .trim()
    .min(1, "is required")
    .max(500, "at most 500 characters")
    .describe("Where the secrets were found, e.g. a repository URL and commit"),
});
export type LeakReportInput = z.infer<typeof leakReportInput>;

export const leakReportResponse = z.object({
  received: z.number().int().describe("How many secrets the report carried; says nothing about matches"),
});

/** What POST /api/v1/leaks can answer besides 202 (documented in the OpenAPI document). */
export const LEAK_REPORT_ERRORS = [
  "validation_failed",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "storage_unavailable",
  "internal_error",
] as const satisfies readonly ErrorCode[];

export type LeakOutcome = "revoked" | "flagged";

/**
 * Act on secrets a scanner found in public. Each candidate is first checked by format and CRC32 (no database):
 * scanners report many look-alikes, and those cost nothing. A well-formed one is looked up by its hash; if it
 * is a live secret (current, or still in a grace period) of a key that is not revoked, the key is revoked at
 * once, or, where its owner chose "notify" as the key's leak policy, flagged. Either way it is audited as
 * leak_reported with the source (webhook key.leaked), in the same transaction as the change.
 *
 * Returns what happened per matched key, for tests and the server log only: the HTTP answer never says.
 */
export async function reportLeaks(input: LeakReportInput, now = new Date()): Promise<Map<string, LeakOutcome>> {
  const outcomes = new Map<string, LeakOutcome>();
  const candidates = [...new Set(input.secrets.map((s) => s.trim()))].filter(isWellFormedSecret);
  for (const secret of candidates) {
    const found = await db().keySecret.findUnique({
      where: { secretHash: hashSecret(secret) },
      select: { retiresAt: true, apiKey: { select: { id: true, keyId: true } } },
    });
    if (!found || (found.retiresAt && found.retiresAt <= now)) continue;
    const outcome = await serializableTransaction(async (tx) => {
      const key = await tx.apiKey.findUnique({ where: { id: found.apiKey.id } });
      if (!key || key.status === "revoked") return null;
      const revoke = key.leakPolicy !== "notify";
      await tx.apiKey.update({
        where: { id: key.id },
        data: {
          leakedAt: now,
          leakSource: input.source,
          ...(revoke
            ? {
                status: "revoked",
                revokedAt: now,
                revokedReason: `Secret reported leaked: ${input.source}`.slice(0, 500),
              }
            : {}),
        },
      });
      const result: LeakOutcome = revoke ? "revoked" : "flagged";
      await recordAudit(tx, {
        apiKeyId: key.id,
        action: "leak_reported",
        actor: "system",
        changes: { source: input.source, outcome: result, secretLastFour: lastFour(secret) },
      });
      if (revoke) {
        await recordAudit(tx, {
          apiKeyId: key.id,
          action: "revoked",
          actor: "system",
          changes: { reason: `Secret reported leaked: ${input.source}` },
        });
      }
      return result;
    });
    if (outcome) {
      outcomes.set(found.apiKey.keyId, outcome);
      invalidateKey(found.apiKey.keyId);
    }
  }
  return outcomes;
}
