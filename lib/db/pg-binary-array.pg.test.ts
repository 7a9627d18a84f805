import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { pgBinaryArray, pgBinaryCopy, type PgCopyColumn } from "./pg-binary-array";

/** What PostgreSQL reads from each binary array: the values themselves, back through array_recv and array_send. */
let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});
afterAll(() => client.end());

const readBack = async <T>(cast: string, param: Buffer): Promise<T> =>
  (await client.query<{ a: T }>(`SELECT $1::${cast} AS a`, [param])).rows[0]!.a;

describe("pgBinaryArray through PostgreSQL", () => {
  it("text: quotes, backslashes, braces, commas, empty, the word NULL, non-ASCII, astral characters and nulls", async () => {
    const values = [
      "plain",
      'a "quoted" word',
      "back\\slash\\",
      "{braces},commas",
      "",
      "NULL",
      " spaced ",
      "é ✓ 日本",
      "🔑🗝",
      null,
    ];
    expect(await readBack("text[]", pgBinaryArray("text", values))).toEqual(values);
  });

  it("text: any string of Unicode scalar values but NUL (PostgreSQL's text cannot hold NUL), 1,000 cases", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.string({ unit: "grapheme", maxLength: 40 }).map((s) => s.replace(/\0/g, "")))),
        async (values) => {
          expect(await readBack("text[]", pgBinaryArray("text", values))).toEqual(values);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("a text buffer grows past its first guess (long strings, many of them)", async () => {
    const values = Array.from({ length: 3_000 }, (_, i) => `${"x".repeat(i % 200)}-${i}-${"日".repeat(i % 7)}`);
    expect(await readBack("text[]", pgBinaryArray("text", values))).toEqual(values);
  });

  it("integers, to the int4 bounds, and nulls", async () => {
    const values = [200, 404, -1, 0, 2_147_483_647, -2_147_483_648, null];
    expect(await readBack("integer[]", pgBinaryArray("integer", values))).toEqual(values);
  });

  it("doubles: fractions, tiny, huge, negative zero and infinities", async () => {
    const values = [0, 1.5, -2.25, 1e-7, 12345.678, 1.7976931348623157e308, -0, Infinity, -Infinity];
    const back = await readBack<number[]>("float8[]", pgBinaryArray("double precision", values));
    expect(back).toEqual(values.map((v) => (Object.is(v, -0) ? -0 : v)));
    expect(Object.is(back[6], -0)).toBe(true);
  });

  it("timestamps from epoch milliseconds: before 2000, the epochs, now, far ahead; at millisecond precision", async () => {
    const ms = [
      Date.UTC(2000, 0, 1),
      Date.UTC(2000, 0, 1) + 1,
      Date.UTC(2000, 0, 1) - 1,
      0,
      Date.UTC(1970, 0, 1, 0, 0, 0, 999) - 86_400_000 * 365,
      Date.parse("2026-11-30T21:33:30.264Z"),
      Date.parse("2262-04-11T23:47:16.854Z"),
      Date.parse("9999-12-31T23:59:59.999Z"),
    ];
    const back = await readBack<string[]>("timestamp(3)[]::text[]", pgBinaryArray("timestamp(3)", ms));
    expect(back).toEqual(
      ms.map((t) =>
        new Date(t)
          .toISOString()
          .replace("T", " ")
          .replace("Z", "")
          .replace(/\.?0+$/, ""),
      ),
    );
  });

  it("timestamps: any millisecond a Date holds from 4713 BC (PostgreSQL's first day) on, exact to the microsecond, 1,000 cases", async () => {
    // Read back through plain timestamp[] (no rounding to milliseconds), as microseconds since 1970.
    const min = Date.UTC(-4712, 0, 1);
    const max = 8.64e15;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min, max }), { minLength: 1, maxLength: 20 }), async (ms) => {
        const { rows } = await client.query<{ a: string[] }>(
          `SELECT array_agg((extract(epoch FROM t) * 1000000)::bigint ORDER BY o)::text[] AS a
           FROM unnest($1::timestamp[]) WITH ORDINALITY AS u(t, o)`,
          [pgBinaryArray("timestamp(3)", ms)],
        );
        expect(rows[0]!.a).toEqual(ms.map((t) => String(BigInt(t) * 1000n)));
      }),
      { numRuns: 1_000 },
    );
  });

  it("empty arrays of every type, and an array of nulls only", async () => {
    const { rows } = await client.query(
      "SELECT $1::text[] AS t, $2::integer[] AS i, $3::float8[] AS d, $4::timestamp(3)[] AS ts, $5::text[] AS n",
      [
        pgBinaryArray("text", []),
        pgBinaryArray("integer", []),
        pgBinaryArray("double precision", []),
        pgBinaryArray("timestamp(3)", []),
        pgBinaryArray("text", [null, null]),
      ],
    );
    expect(rows[0]).toEqual({ t: [], i: [], d: [], ts: [], n: [null, null] });
  });

  it("refuses an array whose element type is not the parameter's (array_recv checks the oid)", async () => {
    await expect(readBack("text[]", pgBinaryArray("integer", [1]))).rejects.toThrow(
      /element type 23 \(integer\) instead of expected 25 \(text\)/,
    );
  });
});

type Row = { t: string | null; i: number | null; d: number | null; ts: number | null };
const COLUMNS: PgCopyColumn<Row>[] = [
  { type: "text", valueOf: (r) => r.t },
  { type: "integer", valueOf: (r) => r.i },
  { type: "double precision", valueOf: (r) => r.d },
  { type: "timestamp(3)", valueOf: (r) => r.ts },
];

/** COPY `rows` into a fresh temporary table in binary, and read them back in order (timestamps as epoch ms). */
async function copyRoundTrip(rows: Row[]): Promise<Row[]> {
  await client.query("DROP TABLE IF EXISTS copied");
  await client.query("CREATE TEMP TABLE copied (n serial, t text, i integer, d float8, ts timestamp(3))");
  const copy = client.query(copyFrom("COPY copied (t, i, d, ts) FROM STDIN (FORMAT binary)"));
  await pipeline(Readable.from([pgBinaryCopy(COLUMNS, rows)]), copy);
  expect(copy.rowCount).toBe(rows.length);
  const back = await client.query<{ t: string | null; i: number | null; d: number | null; ms: string | null }>(
    "SELECT t, i, d, (extract(epoch FROM ts) * 1000)::bigint::text AS ms FROM copied ORDER BY n",
  );
  return back.rows.map((r) => ({ t: r.t, i: r.i, d: r.d, ts: r.ms === null ? null : Number(r.ms) }));
}

describe("pgBinaryCopy through PostgreSQL", () => {
  it("rows of text, integers, doubles and timestamps, with nulls in every column, come back as sent", async () => {
    const rows: Row[] = [
      { t: "plain", i: 200, d: 1.5, ts: Date.parse("2026-12-01T01:02:03.456Z") },
      {
        t: 'a "quoted" \\ {x},y\ttab\nline',
        i: -2_147_483_648,
        d: -0.001,
        ts: Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      },
      { t: "é ✓ 日本 🔑", i: 2_147_483_647, d: 1e300, ts: Date.parse("9999-12-31T23:59:59.999Z") },
      { t: "ascii then é", i: 0, d: 0, ts: Date.UTC(2000, 0, 1) },
      { t: "", i: null, d: null, ts: null },
      { t: null, i: 1, d: 2, ts: 0 },
      { t: "x".repeat(5_000) + "ü", i: 7, d: Infinity, ts: 1 },
    ];
    expect(await copyRoundTrip(rows)).toEqual(rows);
  });

  it("no rows: the signature and trailer alone are a valid, empty COPY", async () => {
    expect(await copyRoundTrip([])).toEqual([]);
  });

  it("any rows: strings of Unicode scalar values but NUL, any int4, finite doubles, any millisecond 1900–9999, 200 cases", async () => {
    const row = fc.record({
      t: fc.option(fc.string({ unit: "grapheme", maxLength: 80 }).map((s) => s.replace(/\0/g, ""))),
      i: fc.option(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 })),
      d: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v))),
      ts: fc.option(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) })),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 30 }), async (rows) => {
        expect(await copyRoundTrip(rows)).toEqual(rows);
      }),
      { numRuns: 200 },
    );
  });
});
