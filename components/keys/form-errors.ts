/** The field-error map a server action returns (zod paths such as "name" or "ipAllowlist.2"). */
export type FieldErrors = Record<string, string> | undefined;

/**
 * The message for a form field, matching nested paths too ("ipAllowlist.2" belongs to "ipAllowlist").
 * lib/ phrases messages as predicates ("is required", "must be in the future"), so the field's label leads.
 */
export function fieldError(fields: FieldErrors, name: string, label: string): string | undefined {
  if (!fields) return undefined;
  const entry = Object.entries(fields).find(([path]) => path === name || path.startsWith(`${name}.`));
  if (!entry) return undefined;
  const message = entry[1];
  if (/^[A-Z"]/.test(message)) return message;
  return /^(is|must|at most|at least)\b/.test(message) ? `${label} ${message}.` : `${label}: ${message}.`;
}

/** Messages for paths no field claims, so nothing the server said is dropped. */
export function otherFieldErrors(fields: FieldErrors, known: readonly string[]): string[] {
  if (!fields) return [];
  return Object.entries(fields)
    .filter(([path]) => !known.some((name) => path === name || path.startsWith(`${name}.`)))
    .map(([path, message]) => (path === "(body)" ? message : `${path}: ${message}`));
}
