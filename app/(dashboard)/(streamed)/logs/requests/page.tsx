import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { requireSessionActor } from "@/app/_server/session";
import { FindRequestForm } from "@/components/layout/find-request";

export const metadata: Metadata = { title: "Find a request" };

/** Target of the header's "find request" box (a plain GET form, so it works before any script loads). */
export default async function FindRequestPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSessionActor();
  const raw = (await searchParams).id;
  const id = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (id) redirect(`/logs/requests/${encodeURIComponent(id.slice(0, 100))}`);
  return (
    <div className="max-w-xl space-y-3">
      <h1 className="text-xl font-semibold text-slate-900">Find a request</h1>
      <p className="text-sm text-slate-600">
        Paste a request id (<code className="font-mono">req_…</code>) from a partner&apos;s error body or the{" "}
        <code className="font-mono">X-Request-Id</code> header.
      </p>
      <FindRequestForm id="find-request-page" />
    </div>
  );
}
