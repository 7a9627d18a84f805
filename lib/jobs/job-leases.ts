import "server-only";
import { PrismaClientKnownRequestError } from "@prisma/client/runtime/client";
import type { Db } from "../db/create-prisma-client";

/**
 * Who runs a background job in a period, decided in the shared database so a cluster runs it once. A claim
 * succeeds for exactly one caller per job and period, whichever instance asks first.
 */
export interface JobLeases {
  /**
   * Claim the period starting at `periodStart` for `holder`: true when this caller won it. Refused when the
   * period (or a later one) is already claimed, or while an earlier claim's run may still be under way.
   */
  claim(job: string, holder: string, periodStart: Date, leaseUntil: Date, now: Date): Promise<boolean>;
  /** The run of a claimed period ended: the next period may be claimed as soon as it begins. */
  release(job: string, holder: string, periodStart: Date, now: Date): Promise<void>;
}

/**
 * Leases in the JobLease table, through Prisma, so the same code works on SQLite and PostgreSQL: a claim is one
 * conditional UPDATE (`… WHERE name = ? AND periodStart < ? AND leaseUntil <= ?`), which both databases apply
 * atomically (SQLite serialises writers; PostgreSQL re-checks the WHERE on the row a concurrent update left),
 * so of several instances claiming at once exactly one sees a row count of 1. A job's first claim inserts its
 * row, and the primary key lets only one insert win.
 */
export class PrismaJobLeases implements JobLeases {
  /** Jobs whose row is known to exist: their claims skip the insert attempt. */
  private readonly rows = new Set<string>();

  constructor(private readonly db: () => Db) {}

  async claim(job: string, holder: string, periodStart: Date, leaseUntil: Date, now: Date): Promise<boolean> {
    const { count } = await this.db().jobLease.updateMany({
      where: { name: job, periodStart: { lt: periodStart }, leaseUntil: { lte: now } },
      data: { holder, periodStart, leaseUntil },
    });
    if (count === 1) return true;
    if (this.rows.has(job)) return false;
    try {
      await this.db().jobLease.create({ data: { name: job, holder, periodStart, leaseUntil } });
      this.rows.add(job);
      return true;
    } catch (err) {
      if (err instanceof PrismaClientKnownRequestError && err.code === "P2002") {
        this.rows.add(job);
        return false;
      }
      throw err;
    }
  }

  async release(job: string, holder: string, periodStart: Date, now: Date): Promise<void> {
    await this.db().jobLease.updateMany({ where: { name: job, holder, periodStart }, data: { leaseUntil: now } });
  }
}
