import "server-only";

/** Query parameters as a plain object in which repeated parameters become arrays. */
export function queryParams(source: Request | URLSearchParams): Record<string, string | string[]> {
  const params = source instanceof URLSearchParams ? source : new URL(source.url).searchParams;
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0]!;
  }
  return out;
}
