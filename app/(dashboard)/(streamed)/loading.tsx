/**
 * Shown while a dashboard page loads on the server: a quiet outline of a page, so nothing jumps. Only the pages
 * in this group stream it: a page that can answer "not found" (keys/[keyId], partners/[id], webhooks/[id]) sits
 * outside, because once this outline has streamed the status is already 200 and a missing key would not be a 404.
 */
export default function DashboardLoading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading">
      <div className="h-7 w-48 animate-pulse rounded bg-slate-200" />
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="h-20 animate-pulse rounded-lg bg-slate-100" />
        ))}
      </div>
      <div className="h-64 animate-pulse rounded-lg bg-slate-100" />
      <div className="h-80 animate-pulse rounded-lg bg-slate-100" />
    </div>
  );
}
