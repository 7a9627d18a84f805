import "server-only";
import { services } from "../services";
import type { Prisma } from "./generated/sqlite/client";

/** LIKE's wildcards (% and _) and PostgreSQL's default LIKE escape character, as plain text. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * "Contains this text, ignoring case" on either database. SQLite's LIKE (Prisma's `contains`) already ignores
 * case (ASCII letters) and rejects `mode`; PostgreSQL's is case-sensitive unless `mode: "insensitive"` (ILIKE).
 * Prisma puts the text into the LIKE pattern as it is, so "%" or "_" would match anything: they are escaped with
 * a backslash, PostgreSQL's default LIKE escape, which Keyward's SQLite adapter names in every LIKE
 * (withLikeEscape in lib/db/sqlite-adapter.ts).
 */
export function containsIgnoringCase(text: string): Prisma.StringFilter {
  if (services().env.databaseProvider === "sqlite") return { contains: escapeLike(text) };
  // `mode` exists only in the PostgreSQL client's types (lib/db/client-compat.ts explains the SQLite typing).
  return { contains: escapeLike(text), mode: "insensitive" } as Prisma.StringFilter;
}
