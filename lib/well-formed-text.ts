/**
 * The path ("name", "items.0.note") of the first string or object key in a value for which `bad` holds, or
 * null. Inputs are parsed JSON, query objects or server-action arguments; lib/errors.ts parseOrThrow checks
 * every input this way before its schema runs.
 */
export function findString(value: unknown, bad: (s: string) => boolean, path = "", depth = 0): string | null {
  if (typeof value === "string") return bad(value) ? path : null;
  // Deep nesting is not an input of ours; the schema refuses it anyway.
  if (depth > 32 || value === null || typeof value !== "object") return null;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [String(i), item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    if (bad(key)) return path;
    const found = findString(item, bad, path ? `${path}.${key}` : key, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * JSON and server-action payloads can carry a lone UTF-16 surrogate ("\ud800"); no text can be stored or sent
 * on from it (Prisma's engine fails on it with a 500), so it is refused at the door.
 */
export const isMalformedText = (s: string): boolean => !s.isWellFormed();
