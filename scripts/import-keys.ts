import fs from "node:fs";
import { parseArgs } from "node:util";
import { closeServices } from "../lib/services";
import { toApiError } from "../lib/errors";
import { parseImportCsv, parseImportJson } from "../lib/keys/import-file";
import { importLegacyKeys } from "../lib/keys/import-keys";

/**
 * Operator CLI: import the platform's existing key pairs as legacy keys (the same checks and writes as
 * POST /api/v1/keys/import).
 *   npm run keys:import -- --file legacy.csv [--json]
 * A .json file is read as { "keys": [...] }, anything else as CSV. Exit 0 when imported (or all unchanged),
 * 1 with every refused row listed (nothing imported), 2 on usage errors.
 */
async function main() {
  const { values } = parseArgs({
    options: { file: { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (!values.file) {
    console.error("usage: keys:import --file <legacy.csv | legacy.json> [--json]");
    process.exit(2);
  }
  let code = 0;
  try {
    const text = fs.readFileSync(values.file, "utf8");
    const rows = values.file.toLowerCase().endsWith(".json") ? parseImportJson(JSON.parse(text)) : parseImportCsv(text);
    const result = await importLegacyKeys({ kind: "operator", label: "operator (keys:import)" }, rows);
    if (values.json) console.log(JSON.stringify(result));
    else console.log(`${result.created} created, ${result.unchanged} unchanged (${result.rows.length} rows).`);
  } catch (err) {
    const e = toApiError(err);
    const rows = (e.details?.rows ?? []) as { line?: number; index?: number; reason: string }[];
    if (values.json) console.log(JSON.stringify({ error: { code: e.code, message: e.message, details: e.details } }));
    else if (rows.length) {
      console.error(`Nothing was imported. ${rows.length} row(s) refused:`);
      for (const r of rows)
        console.error(`  ${r.line !== undefined ? `line ${r.line}` : `keys[${r.index}]`}: ${r.reason}`);
    } else console.error(`${e.code}: ${e.message}`);
    code = 1;
  } finally {
    await closeServices();
  }
  process.exit(code);
}

void main();
