import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "../db";
import { sql } from "kysely";
import { sqliteTime, type SqliteLogDb } from "../db/log-db";
import { retryWhileBusy } from "../db/storage-failure";
import { services } from "../services";

/** A key row as the import writes it (ids are made here, so secrets and audit rows can point at them). */
export type ImportedKey = {
  keyId: string;
  ownerId: string;
  name: string;
  partner: string | null;
  scopes: string;
  fingerprint: string;
  secret: { hash: string; kind: "hmac" | "sha256"; lastFour: string };
  audit: string;
};

export type ImportActorFields = { actorUserId: string | null; actorLabel: string; ip: string | null };

/**
 * The import's reads and its one write transaction. 100,000 rows through the ORM took minutes on SQLite (about
 * 1 ms of mapping per row and statement); on SQLite it therefore uses the connection the request log writes with
 * (lib/db/log-db.ts: prepared statements, one IMMEDIATE transaction; lookups pass each id list as one JSON array), and on
 * PostgreSQL Prisma's createMany (multi-row INSERTs) in one transaction.
 */
export interface ImportStore {
  usersByEmail(emails: readonly string[]): Promise<Map<string, string>>;
  keysByKeyId(
    keyIds: readonly string[],
  ): Promise<Map<string, { ownerId: string; legacy: boolean; legacyFingerprint: string | null }>>;
  keyIdsByFingerprint(fingerprints: readonly string[]): Promise<Map<string, string>>;
  write(keys: readonly ImportedKey[], createdByUserId: string | null, actor: ImportActorFields): Promise<void>;
}

const CHUNK = 500;
const partnerKey = (ownerId: string, name: string) => `${ownerId}\u0000${name}`;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function importStore(): ImportStore {
  const logDb = services().logDb;
  return logDb.dialect === "sqlite" ? sqliteStore(logDb) : prismaStore();
}

function sqliteStore(logDb: SqliteLogDb): ImportStore {
  // Each id list goes in as one JSON array parameter: one query for 100,000 ids, not 200 chunks.
  const list = (values: readonly string[]) => JSON.stringify(values);
  return {
    async usersByEmail(emails) {
      const { rows } = await sql<{ id: string; email: string }>`
        SELECT "id", "email" FROM "User" WHERE "email" IN (SELECT value FROM json_each(${list(emails)}))`.execute(
        logDb.kysely,
      );
      return new Map(rows.map((r) => [r.email, r.id]));
    },
    async keysByKeyId(keyIds) {
      const { rows } = await sql<{ keyId: string; ownerId: string; legacy: number; legacyFingerprint: string | null }>`
        SELECT "keyId", "ownerId", "legacy", "legacyFingerprint" FROM "ApiKey"
        WHERE "keyId" IN (SELECT value FROM json_each(${list(keyIds)}))`.execute(logDb.kysely);
      return new Map(rows.map((r) => [r.keyId, { ...r, legacy: r.legacy === 1 }]));
    },
    async keyIdsByFingerprint(fingerprints) {
      const { rows } = await sql<{ keyId: string; legacyFingerprint: string }>`
        SELECT "keyId", "legacyFingerprint" FROM "ApiKey"
        WHERE "legacyFingerprint" IN (SELECT value FROM json_each(${list(fingerprints)}))`.execute(logDb.kysely);
      return new Map(rows.map((r) => [r.legacyFingerprint, r.keyId]));
    },
    async write(keys, createdByUserId, actor) {
      const now = sqliteTime(Date.now());
      const owners = [...new Set(keys.filter((k) => k.partner).map((k) => k.ownerId))];
      const { rows: existing } = await sql<{ id: string; ownerId: string; name: string }>`
        SELECT "id", "ownerId", "name" FROM "Partner"
        WHERE "ownerId" IN (SELECT value FROM json_each(${list(owners)}))`.execute(logDb.kysely);
      const partnerIds = new Map(existing.map((p) => [partnerKey(p.ownerId, p.name), p.id]));
      // The log writer's connection never waits inside SQLite: retry between event-loop turns, as it does.
      await retryWhileBusy("importing keys", 5_000, () =>
        logDb.writeSync((q) => {
          // Random ids and hashes land all over six indexes: a bigger page cache for this connection halves
          // the import's time (64 MiB, the connection's memory ceiling from now on, not an allocation).
          q.run("PRAGMA cache_size = -65536", []);
          const made = new Map(partnerIds);
          for (const k of keys) {
            if (!k.partner || made.has(partnerKey(k.ownerId, k.partner))) continue;
            const id = randomUUID();
            made.set(partnerKey(k.ownerId, k.partner), id);
            q.run(`INSERT INTO "Partner" ("id", "ownerId", "name", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)`, [
              id,
              k.ownerId,
              k.partner,
              now,
              now,
            ]);
          }
          for (const k of keys) {
            const id = randomUUID();
            q.run(
              `INSERT INTO "ApiKey" ("id", "keyId", "ownerId", "name", "partnerId", "legacy", "legacyFingerprint", "environment", "scopes", "createdByUserId", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, 1, ?, 'live', ?, ?, ?, ?)`,
              [
                id,
                k.keyId,
                k.ownerId,
                k.name,
                k.partner ? made.get(partnerKey(k.ownerId, k.partner))! : null,
                k.fingerprint,
                k.scopes,
                createdByUserId,
                now,
                now,
              ],
            );
            q.run(
              `INSERT INTO "KeySecret" ("id", "apiKeyId", "secretHash", "hashKind", "lastFour", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`,
              [randomUUID(), id, k.secret.hash, k.secret.kind, k.secret.lastFour, now],
            );
            q.run(
              `INSERT INTO "AuditEvent" ("id", "apiKeyId", "action", "actorUserId", "actorKeyId", "actorLabel", "ip", "changes", "createdAt") VALUES (?, ?, 'imported', ?, NULL, ?, ?, ?, ?)`,
              [randomUUID(), id, actor.actorUserId, actor.actorLabel, actor.ip, k.audit, now],
            );
          }
        }),
      );
    },
  };
}

function prismaStore(): ImportStore {
  return {
    async usersByEmail(emails) {
      const out = new Map<string, string>();
      for (const part of chunks(emails)) {
        for (const u of await db().user.findMany({ where: { email: { in: part } }, select: { id: true, email: true } }))
          out.set(u.email, u.id);
      }
      return out;
    },
    async keysByKeyId(keyIds) {
      const out = new Map<string, { ownerId: string; legacy: boolean; legacyFingerprint: string | null }>();
      for (const part of chunks(keyIds)) {
        for (const k of await db().apiKey.findMany({
          where: { keyId: { in: part } },
          select: { keyId: true, ownerId: true, legacy: true, legacyFingerprint: true },
        }))
          out.set(k.keyId, k);
      }
      return out;
    },
    async keyIdsByFingerprint(fingerprints) {
      const out = new Map<string, string>();
      for (const part of chunks(fingerprints)) {
        for (const k of await db().apiKey.findMany({
          where: { legacyFingerprint: { in: part } },
          select: { keyId: true, legacyFingerprint: true },
        }))
          out.set(k.legacyFingerprint!, k.keyId);
      }
      return out;
    },
    async write(keys, createdByUserId, actor) {
      const now = new Date();
      await db().$transaction(
        async (tx) => {
          const owners = [...new Set(keys.filter((k) => k.partner).map((k) => k.ownerId))];
          const partnerIds = new Map<string, string>();
          for (const part of chunks(owners)) {
            for (const p of await tx.partner.findMany({ where: { ownerId: { in: part } } }))
              partnerIds.set(partnerKey(p.ownerId, p.name), p.id);
          }
          const missing = new Map<string, { id: string; ownerId: string; name: string }>();
          for (const k of keys) {
            if (k.partner && !partnerIds.has(partnerKey(k.ownerId, k.partner))) {
              const id = randomUUID();
              partnerIds.set(partnerKey(k.ownerId, k.partner), id);
              missing.set(id, { id, ownerId: k.ownerId, name: k.partner });
            }
          }
          for (const part of chunks([...missing.values()]))
            await tx.partner.createMany({ data: part.map((p) => ({ ...p, createdAt: now, updatedAt: now })) });
          for (const part of chunks(keys)) {
            const ids = part.map(() => randomUUID());
            await tx.apiKey.createMany({
              data: part.map((k, i) => ({
                id: ids[i]!,
                keyId: k.keyId,
                ownerId: k.ownerId,
                name: k.name,
                partnerId: k.partner ? partnerIds.get(partnerKey(k.ownerId, k.partner))! : null,
                legacy: true,
                legacyFingerprint: k.fingerprint,
                environment: "live",
                scopes: k.scopes,
                createdByUserId,
                createdAt: now,
                updatedAt: now,
              })),
            });
            await tx.keySecret.createMany({
              data: part.map((k, i) => ({
                apiKeyId: ids[i]!,
                secretHash: k.secret.hash,
                hashKind: k.secret.kind,
                lastFour: k.secret.lastFour,
                createdAt: now,
              })),
            });
            await tx.auditEvent.createMany({
              data: part.map((k, i) => ({
                apiKeyId: ids[i]!,
                action: "imported",
                actorUserId: actor.actorUserId,
                actorKeyId: null,
                actorLabel: actor.actorLabel,
                ip: actor.ip,
                changes: k.audit,
                createdAt: now,
              })),
            });
          }
        },
        // A long import must not hit the 5 s default of an interactive transaction.
        { timeout: 10 * 60_000, maxWait: 30_000 },
      );
    },
  };
}
