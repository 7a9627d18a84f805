import "server-only";
import { parse } from "csv-parse/sync";
import { ApiError } from "../errors";

/** One row of an import file, as written (validated later by lib/keys/import-keys.ts). */
export type RawImportRow = {
  /** CSV: the file line the row ends on (the header is line 1). JSON: the index in `keys` (0-based). */
  ref: { line: number } | { index: number };
  email: unknown;
  keyId: unknown;
  secret: unknown;
  secretSha256: unknown;
  name: unknown;
  partner: unknown;
  scopes: unknown;
  /** A problem with the row's shape itself (a CSV row with more or fewer fields than the header). */
  shapeProblem?: string;
};

export const CSV_COLUMNS = ["email", "key_id", "secret", "secret_sha256", "name", "partner", "scopes"] as const;

const fileError = (message: string) =>
  new ApiError("validation_failed", message, { details: { issues: [{ field: "(file)", message }] } });

/**
 * CSV with the header `email,key_id,secret,secret_sha256,name,partner,scopes` (any column order; extra columns
 * are refused so a typo in a header is not silently ignored). Scopes are space-separated. Empty lines are skipped.
 */
export function parseImportCsv(text: string): RawImportRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      bom: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw fileError(`The CSV could not be read${line ? ` (line ${line})` : ""}: ${(err as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) throw fileError("The file is empty: expected a header line and at least one row.");
  const names = header.record.map((h) => h.toLowerCase());
  const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
  const missing = CSV_COLUMNS.filter((c) => !names.includes(c) && c !== "secret" && c !== "secret_sha256");
  if (!names.includes("secret") && !names.includes("secret_sha256")) missing.push("secret");
  if (unknown.length || missing.length) {
    throw fileError(
      `The CSV header must name the columns ${CSV_COLUMNS.join(",")}` +
        (unknown.length ? `; unknown: ${unknown.join(", ")}` : "") +
        (missing.length ? `; missing: ${missing.join(", ")}` : ""),
    );
  }
  const col = (c: (typeof CSV_COLUMNS)[number]) => names.indexOf(c);
  const at = (r: string[], c: (typeof CSV_COLUMNS)[number]) => {
    const i = col(c);
    return i >= 0 && r[i] !== undefined && r[i] !== "" ? r[i] : undefined;
  };
  return rows.map(({ record, info }) => {
    return {
      ref: { line: info.lines },
      email: at(record, "email"),
      keyId: at(record, "key_id"),
      secret: at(record, "secret"),
      secretSha256: at(record, "secret_sha256"),
      name: at(record, "name"),
      partner: at(record, "partner"),
      scopes: at(record, "scopes")?.split(/\s+/).filter(Boolean),
      // A row with more or fewer fields than the header is almost always a shifted row: refuse it.
      ...(record.length !== names.length
        ? { shapeProblem: `has ${record.length} fields, the header ${names.length}` }
        : {}),
    };
  });
}

/** JSON `{ "keys": [{ email, keyId, secret | secretSha256, name, partner, scopes: [...] }] }`. */
export function parseImportJson(value: unknown): RawImportRow[] {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw fileError('Expected a JSON object { "keys": [ ... ] }.');
  return keys.map((k: unknown, index) => {
    const o = (typeof k === "object" && k !== null ? k : {}) as Record<string, unknown>;
    return {
      ref: { index },
      email: o.email,
      keyId: o.keyId,
      secret: o.secret,
      secretSha256: o.secretSha256,
      name: o.name,
      partner: o.partner,
      scopes: o.scopes,
    };
  });
}
