/**
 * A CSV file as a download named `keyward-<what>-<today>.csv`, never cached (it holds a user's data), with the
 * request id a support person can quote. `extra` adds headers (the log export states the range it exported).
 */
export function csvDownload(
  body: BodyInit,
  what: string,
  requestId: string,
  extra: Record<string, string> = {},
): Response {
  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="keyward-${what}-${date}.csv"`,
      "Cache-Control": "no-store",
      "X-Request-Id": requestId,
      ...extra,
    },
  });
}
