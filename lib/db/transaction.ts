import "server-only";
import { db, type Prisma } from "./index";

const WRITE_CONFLICT = "P2034";

/**
 * An interactive transaction that reads, decides and writes as if alone, on both databases. SQLite runs one
 * write transaction at a time anyway; PostgreSQL's default (READ COMMITTED) would let two of them read the
 * same state and both act on it (two "current" secrets after concurrent rotations, a key revoked twice). So
 * it is SERIALIZABLE, and PostgreSQL's "could not serialize" (P2034) runs `fn` again on fresh data: `fn` must
 * have no effects outside the transaction. Errors `fn` throws itself are never retried.
 */
export async function serializableTransaction<T>(
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
  opts: { attempts?: number } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db().$transaction(fn, { isolationLevel: "Serializable" });
    } catch (err) {
      if (attempt >= attempts || (err as { code?: string }).code !== WRITE_CONFLICT) throw err;
      // A little jitter, so the retries of two colliding transactions do not collide again.
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}
