import "server-only";
import { z } from "zod";
import { isoDateTime } from "../schema-values";
import { AUDIT_ACTIONS } from "../keys/key-vocabulary";

/** Filters shared by GET /api/v1/audit, the audit page and its CSV export. */
export const auditFilterInput = z.object({
  keyId: z.string().max(40).optional().describe("Only this key's entries (kw_live_… or kw_test_…)"),
  actor: z.string().max(120).optional().describe("Who acted contains this text (an email, key id, or system)"),
  action: z
    .enum(AUDIT_ACTIONS, { error: (i) => `unknown event "${String(i.input)}"; known: ${AUDIT_ACTIONS.join(", ")}` })
    .optional()
    .describe("Only this event"),
});

export const auditPageInput = auditFilterInput.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional().describe("nextCursor of the previous page"),
});
export type AuditPageInput = z.infer<typeof auditPageInput>;
export type AuditFilter = z.infer<typeof auditFilterInput>;

export const auditEntrySchema = z.object({
  id: z.string(),
  keyId: z.string(),
  keyName: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  actor: z.string(),
  ip: z.string().nullable(),
  changes: z.record(z.string(), z.unknown()),
  at: isoDateTime,
  ownerEmail: z.string().optional().describe("The key owner's email; only in answers to support staff"),
});
export type AuditEntry = z.output<typeof auditEntrySchema>;

export const auditPageSchema = z.object({
  data: z.array(auditEntrySchema),
  nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
});
export type AuditPage = z.output<typeof auditPageSchema>;
