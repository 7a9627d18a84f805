import "server-only";
import { stringify } from "csv-stringify/sync";
import { db, type Prisma } from "../db";
import { containsIgnoringCase } from "../db/text-filter";
import { invalidField } from "../errors";
import { environmentFilter, ownerFilter, type Actor } from "../auth/actor";
import { AUDIT_ACTIONS } from "../keys/key-vocabulary";
import { storedEnum } from "../schema-values";
import type { AuditEntry, AuditFilter, AuditPage, AuditPageInput } from "./audit-input";

function whereOf(actor: Actor, f: AuditFilter): Prisma.AuditEventWhereInput {
  const owner = ownerFilter(actor);
  const environment = environmentFilter(actor);
  return {
    apiKey: {
      ...(owner ? { ownerId: owner } : {}),
      ...(environment ? { environment } : {}),
      ...(f.keyId ? { keyId: f.keyId } : {}),
    },
    ...(f.action ? { action: f.action } : {}),
    ...(f.actor ? { actorLabel: containsIgnoringCase(f.actor) } : {}),
  };
}

type Row = Prisma.AuditEventGetPayload<{
  include: { apiKey: { select: { keyId: true; name: true; owner: { select: { email: true } } } } };
}>;

function toEntry(row: Row, includeOwner: boolean): AuditEntry {
  let changes: Record<string, unknown> = {};
  try {
    changes = JSON.parse(row.changes) as Record<string, unknown>;
  } catch {
    changes = {};
  }
  return {
    id: row.id,
    keyId: row.apiKey.keyId,
    keyName: row.apiKey.name,
    action: storedEnum(AUDIT_ACTIONS, row.action, "audit action"),
    actor: row.actorLabel,
    ip: row.ip,
    changes,
    at: row.createdAt.toISOString(),
    ...(includeOwner ? { ownerEmail: row.apiKey.owner.email } : {}),
  };
}

const include = { apiKey: { select: { keyId: true, name: true, owner: { select: { email: true } } } } } as const;
const order = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** The actor's key events (support: everyone's), newest first, a page at a time (keyset on createdAt, id). */
export async function listAudit(actor: Actor, q: AuditPageInput): Promise<AuditPage> {
  const where = whereOf(actor, q);
  let cursorWhere: Prisma.AuditEventWhereInput = {};
  if (q.cursor) {
    const at = await db().auditEvent.findFirst({
      where: { id: q.cursor, ...where },
      select: { id: true, createdAt: true },
    });
    if (!at) throw invalidField("query.cursor", "not a cursor this API returned");
    cursorWhere = { OR: [{ createdAt: { lt: at.createdAt } }, { createdAt: at.createdAt, id: { lt: at.id } }] };
  }
  const rows = await db().auditEvent.findMany({
    where: { AND: [where, cursorWhere] },
    include,
    orderBy: order,
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const includeOwner = ownerFilter(actor) === null;
  return {
    data: page.map((r) => toEntry(r, includeOwner)),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

export const AUDIT_CSV_COLUMNS = ["at", "keyId", "keyName", "action", "actor", "ip", "changes", "ownerEmail"] as const;

/** The filtered audit trail as CSV (at most maxRows, newest first); formulas in user text are neutralised. */
export async function exportAuditCsv(actor: Actor, f: AuditFilter, maxRows = 50_000): Promise<string> {
  const rows = await db().auditEvent.findMany({ where: whereOf(actor, f), include, orderBy: order, take: maxRows });
  const includeOwner = ownerFilter(actor) === null;
  const records = rows.map((r) => {
    const e = toEntry(r, includeOwner);
    return [e.at, e.keyId, e.keyName, e.action, e.actor, e.ip ?? "", JSON.stringify(e.changes), e.ownerEmail ?? ""];
  });
  return stringify([[...AUDIT_CSV_COLUMNS], ...records], { escape_formulas: true });
}
