import "server-only";
import { ApiError } from "../errors";
import { SCOPE_TEMPLATES, isScope, normaliseScopes, type Scope } from "../scopes";
import { hashSecret } from "./secret-hash";
import { lastFour } from "./key-format";
import { isLegacyKeyId, isPlausibleLegacySecret, sha256Hex } from "./legacy-credentials";
import { invalidateKey } from "./invalidate-key";
import type { RawImportRow } from "./import-file";
import { importStore } from "./import-store";

/** What an imported pair may do when the file names no scopes: what the old pair could, every partner scope. */
export const DEFAULT_LEGACY_SCOPES: readonly Scope[] = SCOPE_TEMPLATES.find((t) => t.id === "full-partner")!.scopes;

/** Who imports: an operator (the CLI, or the API with KEYWARD_OPERATOR_TOKEN), or a support user. */
export type Importer =
  | { kind: "operator"; label: string }
  | { kind: "user"; userId: string; email: string; role: string; ip: string | null };

type RowRef = RawImportRow["ref"];
export type ImportOutcome = RowRef & { keyId: string; outcome: "created" | "unchanged" };
export type ImportResult = { created: number; unchanged: number; rows: ImportOutcome[] };
export type ImportProblem = RowRef & { reason: string };

type ValidRow = {
  ref: RowRef;
  email: string;
  keyId: string;
  secret: string | null;
  /** HMAC(pepper, sha256hex(secret)): the same for a plaintext row and a SHA-256 row of one pair. */
  fingerprint: string;
  name: string;
  partner: string | null;
  scopes: Scope[];
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

const refText = (ref: RowRef) => ("line" in ref ? `line ${ref.line}` : `keys[${ref.index}]`);

/** Column names as the file spells them: CSV headers, or JSON fields. */
function fieldNames(ref: RowRef) {
  const csv = "line" in ref;
  return {
    keyId: csv ? "key_id" : "keyId",
    secretSha256: csv ? "secret_sha256" : "secretSha256",
  };
}

const optionalString = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : v == null ? null : v);

/** Check one row on its own; returns the reasons it is refused (all of them), or the row ready to import. */
function validateRow(raw: RawImportRow): { row: ValidRow } | { reasons: string[] } {
  const f = fieldNames(raw.ref);
  const reasons: string[] = [];
  if (raw.shapeProblem) return { reasons: [`the row ${raw.shapeProblem}`] };

  const email = optionalString(raw.email);
  if (typeof email !== "string" || email.length > 320 || !EMAIL.test(email))
    reasons.push("email: expected an email address");

  const keyId = optionalString(raw.keyId);
  if (typeof keyId !== "string") reasons.push(`${f.keyId}: is required`);
  else if (/^kw(sec)?_/.test(keyId))
    reasons.push(`${f.keyId}: the prefixes kw_ and kwsec_ are reserved for Keyward's own keys`);
  else if (!isLegacyKeyId(keyId)) reasons.push(`${f.keyId}: expected 8 to 128 characters of A-Z a-z 0-9 _ . -`);

  const secret = raw.secret == null || raw.secret === "" ? null : raw.secret;
  const sha = optionalString(raw.secretSha256);
  if (secret === null && sha === null) reasons.push(`secret: send the secret or ${f.secretSha256}`);
  else if (secret !== null && sha !== null) reasons.push(`secret: send the secret or ${f.secretSha256}, not both`);
  else if (secret !== null && (typeof secret !== "string" || !isPlausibleLegacySecret(secret)))
    reasons.push("secret: expected 8 to 512 printable ASCII characters without spaces");
  else if (sha !== null && (typeof sha !== "string" || !SHA256_HEX.test(sha)))
    reasons.push(`${f.secretSha256}: expected 64 hexadecimal characters (a SHA-256 digest)`);

  const name = optionalString(raw.name) ?? "Legacy key";
  if (typeof name !== "string" || name.length > 80) reasons.push("name: at most 80 characters");
  const partner = optionalString(raw.partner);
  if (partner !== null && (typeof partner !== "string" || partner.length > 80))
    reasons.push("partner: at most 80 characters");

  let scopes: Scope[] = [...DEFAULT_LEGACY_SCOPES];
  if (raw.scopes != null && !(Array.isArray(raw.scopes) && raw.scopes.length === 0)) {
    if (!Array.isArray(raw.scopes) || raw.scopes.some((s) => typeof s !== "string")) {
      reasons.push("scopes: expected a list of scope names");
    } else {
      const unknown = (raw.scopes as string[]).filter((s) => !isScope(s));
      if (unknown.length) reasons.push(`scopes: unknown scope ${unknown.map((s) => `"${s}"`).join(", ")}`);
      else scopes = normaliseScopes(raw.scopes as string[]);
    }
  }
  if (reasons.length) return { reasons };
  const digest = typeof sha === "string" ? sha.toLowerCase() : sha256Hex(secret as string);
  return {
    row: {
      ref: raw.ref,
      email: (email as string).toLowerCase(),
      keyId: keyId as string,
      secret: secret as string | null,
      fingerprint: hashSecret(digest),
      name: name as string,
      partner: partner as string | null,
      scopes,
    },
  };
}

function refused(problems: ImportProblem[]): ApiError {
  const shown = problems.slice(0, 1000);
  const summary = shown
    .slice(0, 5)
    .map((p) => `${refText(p)}: ${p.reason}`)
    .join("; ");
  return new ApiError(
    "validation_failed",
    `Nothing was imported: ${problems.length} row${problems.length === 1 ? "" : "s"} refused (${summary}${problems.length > 5 ? "; …" : ""}).`,
    {
      details: {
        issues: shown.map((p) => ({ field: refText(p), message: p.reason })),
        rows: shown,
        ...(problems.length > shown.length ? { moreRows: problems.length - shown.length } : {}),
      },
    },
  );
}

/**
 * Import the platform's existing key pairs as legacy keys. Every row is checked first (shape, duplicates in
 * the file, the owner's account, clashes with existing keys); one bad row refuses the whole file. A pair
 * already imported (same key id, owner and secret) is left exactly as it is ("unchanged": later edits in the
 * dashboard are kept). The rest is written in one transaction (lib/keys/import-store.ts), each key with its
 * audit entry. Secrets cost one HMAC each (the product's own peppered hash), never a slow KDF.
 */
export async function importLegacyKeys(importer: Importer, rawRows: readonly RawImportRow[]): Promise<ImportResult> {
  if (importer.kind === "user" && importer.role !== "support") {
    throw new ApiError("forbidden", "Only support staff or an operator can import keys.");
  }
  if (rawRows.length === 0) {
    throw new ApiError("validation_failed", "Nothing was imported: the file has no rows.", {
      details: { issues: [{ field: "(file)", message: "has no rows" }] },
    });
  }

  const problems: ImportProblem[] = [];
  const valid: ValidRow[] = [];
  const seenKeyIds = new Map<string, RowRef>();
  const seenSecrets = new Map<string, RowRef>();
  for (const raw of rawRows) {
    const checked = validateRow(raw);
    if ("reasons" in checked) {
      problems.push({ ...raw.ref, reason: checked.reasons.join("; ") });
      continue;
    }
    const { row } = checked;
    const sameId = seenKeyIds.get(row.keyId);
    const sameSecret = seenSecrets.get(row.fingerprint);
    if (sameId) problems.push({ ...row.ref, reason: `${fieldNames(row.ref).keyId}: also on ${refText(sameId)}` });
    else if (sameSecret) problems.push({ ...row.ref, reason: `secret: the same secret is on ${refText(sameSecret)}` });
    else valid.push(row);
    seenKeyIds.set(row.keyId, row.ref);
    seenSecrets.set(row.fingerprint, row.ref);
  }

  const store = importStore();
  const users = await store.usersByEmail([...new Set(valid.map((r) => r.email))]);
  const existingById = await store.keysByKeyId(valid.map((r) => r.keyId));
  const fingerprintOwner = await store.keyIdsByFingerprint(valid.map((r) => r.fingerprint));

  const toCreate: (ValidRow & { ownerId: string })[] = [];
  const outcomes: ImportOutcome[] = [];
  for (const row of valid) {
    const ownerId = users.get(row.email);
    if (!ownerId) {
      problems.push({
        ...row.ref,
        reason: `email: no Keyward user has the email ${row.email}; create the account first`,
      });
      continue;
    }
    const existing = existingById.get(row.keyId);
    if (existing) {
      if (existing.legacy && existing.ownerId === ownerId && existing.legacyFingerprint === row.fingerprint) {
        outcomes.push({ ...row.ref, keyId: row.keyId, outcome: "unchanged" });
      } else {
        problems.push({
          ...row.ref,
          reason: `${fieldNames(row.ref).keyId}: ${row.keyId} already exists with another owner or secret`,
        });
      }
      continue;
    }
    const clash = fingerprintOwner.get(row.fingerprint);
    if (clash) {
      problems.push({ ...row.ref, reason: `secret: already the secret of key ${clash}` });
      continue;
    }
    toCreate.push({ ...row, ownerId });
    outcomes.push({ ...row.ref, keyId: row.keyId, outcome: "created" });
  }
  if (problems.length) {
    const order = (p: ImportProblem) => ("line" in p ? p.line : p.index);
    throw refused(problems.sort((a, b) => order(a) - order(b)));
  }

  if (toCreate.length) {
    const actor =
      importer.kind === "user"
        ? { actorUserId: importer.userId, actorLabel: importer.email, ip: importer.ip }
        : { actorUserId: null, actorLabel: importer.label, ip: null };
    await store.write(
      toCreate.map((r) => ({
        keyId: r.keyId,
        ownerId: r.ownerId,
        name: r.name,
        partner: r.partner,
        scopes: JSON.stringify(r.scopes),
        fingerprint: r.fingerprint,
        // A SHA-256-only secret is kept as HMAC(pepper, sha256) until its first use (see the guard).
        secret:
          r.secret !== null
            ? { hash: hashSecret(r.secret), kind: "hmac", lastFour: lastFour(r.secret) }
            : { hash: r.fingerprint, kind: "sha256", lastFour: "" },
        audit: JSON.stringify({
          name: r.name,
          scopes: r.scopes,
          ...(r.partner ? { partner: r.partner } : {}),
          secretFrom: r.secret !== null ? "plaintext" : "sha256",
        }),
      })),
      importer.kind === "user" ? importer.userId : null,
      actor,
    );
  }
  // A probe for one of these ids before the import may have been cached as unknown.
  for (const row of toCreate) invalidateKey(row.keyId);
  return {
    created: toCreate.length,
    unchanged: outcomes.length - toCreate.length,
    rows: outcomes,
  };
}
