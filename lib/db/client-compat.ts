import type { Prisma as Sqlite } from "./generated/sqlite/client";
import type { Prisma as Postgres } from "./generated/postgresql/client";

/**
 * Compile-time proof behind the cast in create-prisma-client.ts: the app is typed against the SQLite client,
 * and runs the PostgreSQL one through that type. That is sound when (1) both have the same models and
 * operations, (2) every operation's arguments typed for SQLite are valid PostgreSQL arguments, and (3) the
 * rows both return have the same fields and types. A schema change that breaks this fails `tsc`.
 */
type SqliteMap = Sqlite.TypeMap["model"];
type PostgresMap = Postgres.TypeMap["model"];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type ArgsOf<Op> = Op extends { args: infer A } ? A : never;

type ArgsFit = {
  [M in keyof SqliteMap]: {
    [Op in keyof SqliteMap[M]["operations"]]: Op extends keyof PostgresMap[M & keyof PostgresMap]["operations"]
      ? [ArgsOf<SqliteMap[M]["operations"][Op]>] extends [ArgsOf<PostgresMap[M & keyof PostgresMap]["operations"][Op]>]
        ? true
        : false
      : false;
  }[keyof SqliteMap[M]["operations"]];
}[keyof SqliteMap];

type RowsSame = {
  [M in keyof SqliteMap]: Same<
    SqliteMap[M]["payload"]["scalars"],
    PostgresMap[M & keyof PostgresMap]["payload"]["scalars"]
  >;
}[keyof SqliteMap];

export type ClientCompatibility = [Assert<Same<keyof SqliteMap, keyof PostgresMap>>, Assert<ArgsFit>, Assert<RowsSame>];
