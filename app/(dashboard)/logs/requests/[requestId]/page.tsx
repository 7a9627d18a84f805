import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireSessionActor } from "@/app/_server/session";
import { runAction } from "@/app/_server/run-action";
import { getLogEntryOrThrow } from "@/lib/logs/get-log-entry";
import { FindRequestForm } from "@/components/layout/find-request";
import { RequestDetail } from "@/components/logs/request-detail";
import { Alert } from "@/components/ui/alert";
import { logsHref } from "@/components/logs/log-params";
import { BackLink } from "@/components/ui/back-link";

type Params = { params: Promise<{ requestId: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Request ${decodeURIComponent((await params).requestId).slice(0, 100)}` };
}

const link = "text-sm text-indigo-700 hover:underline";

/** One request, found by id whatever time range the log shows (within retention): what the partner saw. */
export default async function RequestPage({ params }: Params) {
  const actor = await requireSessionActor();
  const requestId = decodeURIComponent((await params).requestId).slice(0, 100);
  const found = await runAction(() => getLogEntryOrThrow(actor, requestId));
  // A 404 (this page is outside the streamed group, so the status is still ours to set): not-found.tsx says why.
  if (!found.ok && found.error.code === "not_found") notFound();
  return (
    <div className="space-y-4">
      <div>
        <BackLink href="/logs">Request log</BackLink>
        <h1 className="mt-1 text-xl font-semibold break-all text-slate-900">Request {requestId}</h1>
      </div>
      {found.ok ? (
        <>
          <section className="rounded-lg border border-slate-200 bg-white px-4 py-2 shadow-sm">
            <RequestDetail row={found.data} refusal={found.data.refusal} />
          </section>
          <div className="flex flex-wrap gap-4">
            {found.data.keyName && found.data.keyId ? (
              <>
                <Link href={`/keys/${found.data.keyId}`} className={link}>
                  Open the key
                </Link>
                <Link href={logsHref({ keyId: [found.data.keyId] })} className={link}>
                  All requests of this key
                </Link>
              </>
            ) : null}
            {found.data.errorCode ? (
              <Link href={`/docs#errors-${found.data.errorCode}`} className={link}>
                What {found.data.errorCode} means
              </Link>
            ) : null}
          </div>
        </>
      ) : (
        <div className="max-w-xl space-y-3">
          <Alert tone="error" title="The request could not be loaded">
            {found.error.message}
          </Alert>
          <FindRequestForm id="find-request-again" />
        </div>
      )}
    </div>
  );
}
