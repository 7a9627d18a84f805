"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { getLogDetailAction } from "@/app/_server/actions/logs";
import type { LogRow } from "@/lib/logs/query-logs";
import type { RefusalDetail } from "@/lib/logs/log-entry";
import { Dialog } from "../ui/dialog";
import { logsHref } from "./log-params";
import { detailLink, RequestDetail } from "./request-detail";

/** A refusal's details are fetched when its row is opened (the list itself stays light). */
function useRefusal(row: LogRow | null): { refusal: RefusalDetail | null; pending: boolean } {
  const [loaded, setLoaded] = useState<{ requestId: string; refusal: RefusalDetail | null } | null>(null);
  const wanted = row && row.status >= 400 ? row.requestId : null;
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    void getLogDetailAction(wanted).then((result) => {
      if (live) setLoaded({ requestId: wanted, refusal: result.ok ? result.data.refusal : null });
    });
    return () => {
      live = false;
    };
  }, [wanted]);
  if (!wanted) return { refusal: null, pending: false };
  return loaded?.requestId === wanted ? { refusal: loaded.refusal, pending: false } : { refusal: null, pending: true };
}

/** Everything recorded about one request, with ways to its key and to a page of just this request. */
export function LogDetailDialog({
  row,
  ownerEmail,
  onClose,
}: {
  row: LogRow | null;
  ownerEmail?: string;
  onClose: () => void;
}) {
  const { refusal, pending } = useRefusal(row);
  return (
    <Dialog open={row !== null} onClose={onClose} title="Request details" description={row?.requestId}>
      {row ? (
        <>
          <RequestDetail row={row} refusal={refusal} refusalPending={pending} ownerEmail={ownerEmail} />
          <div className="mt-4 flex flex-wrap gap-4 border-t border-slate-100 pt-3 text-sm">
            <Link href={`/logs/requests/${encodeURIComponent(row.requestId)}`} className={detailLink}>
              Open as a page
            </Link>
            {row.keyName && row.keyId ? (
              <Link href={logsHref({ keyId: [row.keyId] })} className={detailLink} onClick={onClose}>
                All requests of this key
              </Link>
            ) : null}
          </div>
        </>
      ) : null}
    </Dialog>
  );
}
