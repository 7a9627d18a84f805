import "server-only";
import { db } from "../db";
import { ownerFilter, type Actor } from "../auth/actor";
import { ALL_API_ROUTES } from "../api-routes";

export type LogFilterOptions = {
  keys: { keyId: string; name: string; partner: string | null; ownerEmail?: string }[];
  partners: string[];
  routes: { method: string; path: string }[];
  users?: { id: string; email: string }[];
};

/** Code-unit order ("B" before "a"), what SQLite sorts by: the database's collation would differ on PostgreSQL. */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Choices for the log filters: the actor's keys and partners (support: everyone's, plus the users). */
export async function logFilterOptions(actor: Actor): Promise<LogFilterOptions> {
  const owner = ownerFilter(actor);
  const keys = await db().apiKey.findMany({
    where: owner ? { ownerId: owner } : {},
    select: { keyId: true, name: true, partner: { select: { name: true } }, owner: { select: { email: true } } },
    orderBy: [{ name: "asc" }],
    take: 1000,
  });
  keys.sort((a, b) => byCodeUnits(a.name, b.name));
  const partners = [...new Set(keys.map((k) => k.partner?.name).filter((p): p is string => !!p))].sort();
  const users = owner
    ? undefined
    : (await db().user.findMany({ select: { id: true, email: true }, orderBy: { email: "asc" }, take: 1000 })).sort(
        (a, b) => byCodeUnits(a.email, b.email),
      );
  return {
    keys: keys.map((k) => ({
      keyId: k.keyId,
      name: k.name,
      partner: k.partner?.name ?? null,
      ...(owner ? {} : { ownerEmail: k.owner.email }),
    })),
    partners,
    routes: ALL_API_ROUTES.map((r) => ({ method: r.method, path: r.path })),
    ...(users ? { users } : {}),
  };
}
