/**
 * The path of the first string (or object key) in a value that is not well-formed UTF-16, or null. JSON and
 * server-action payloads can carry a lone surrogate ("\\ud800"); no text can be stored or sent on from it, so
 * every input is checked before its schema (lib/errors.ts parseOrThrow) and refused with a 400.
 */
export function firstMalformedString(value: unknown, path = "", depth = 0): string | null {
  if (typeof value === "string") return value.isWellFormed() ? null : path;
  // Inputs are parsed JSON or form data: deep nesting is not ours, and the schema will refuse it anyway.
  if (depth > 32 || value === null || typeof value !== "object") return null;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [String(i), item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    const at = path ? `${path}.${key}` : key;
    if (!key.isWellFormed()) return path;
    const found = firstMalformedString(item, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
