"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { loadMoreLogsAction } from "@/app/_server/actions/logs";
import type { LogRow } from "@/lib/logs/query-logs";
import { CreateKeyDialog } from "../keys/create-key-dialog";
import { Button } from "../ui/button";
import { StatusBadge } from "../ui/status-badge";

/** How often the guide asks whether the new key's first request has arrived. */
const POLL_MS = 2000;

/** Polls the log for the key's first request; stops once one arrives. */
function useFirstRequest(keyId: string | null): LogRow | null {
  const [first, setFirst] = useState<LogRow | null>(null);
  useEffect(() => {
    if (!keyId || first) return;
    let live = true;
    const check = async () => {
      const result = await loadMoreLogsAction({ keyId: [keyId], range: "24h", limit: 1, order: "asc" });
      if (live && result.ok && result.data.data[0]) setFirst(result.data.data[0]);
    };
    void check();
    const timer = setInterval(() => void check(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [keyId, first]);
  return first;
}

function Step({ n, done, title, children }: { n: number; done: boolean; title: string; children?: React.ReactNode }) {
  return (
    <li className="flex gap-3">
      <span
        aria-hidden="true"
        className={
          done
            ? "flex size-6 shrink-0 items-center justify-center rounded-full bg-emerald-50 text-xs font-semibold text-emerald-700 ring-1 ring-emerald-200"
            : "flex size-6 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-700"
        }
      >
        {done ? "✓" : n}
      </span>
      <div className="min-w-0 flex-1 space-y-2">
        <p className="text-sm font-medium text-slate-900">
          {title}
          {done ? <span className="sr-only"> (done)</span> : null}
        </p>
        {children}
      </div>
    </li>
  );
}

/**
 * Overview for someone with no key yet: create the first key, copy a ready curl command (shown with the
 * secret, once), and watch the first request arrive, live.
 */
export function FirstRun({ existingKeyId }: { existingKeyId: string | null }) {
  const router = useRouter();
  const [dialogOpen, setDialogOpen] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  // A key made earlier (or just now, once the page refreshed) counts as step 1 done.
  const keyId = created ?? existingKeyId;
  const first = useFirstRequest(keyId);
  return (
    <section
      aria-labelledby="first-run-title"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
      data-testid="first-run"
    >
      <h2 id="first-run-title" className="text-base font-semibold text-slate-900">
        Get your first request through
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Three steps, about a minute. Each partner integration gets its own key.
      </p>
      <ol className="mt-4 space-y-4">
        <Step n={1} done={keyId !== null} title="Create your first API key">
          {keyId ? (
            <p className="text-sm text-slate-600">
              Created <code className="font-mono text-xs break-all">{keyId}</code>.
            </p>
          ) : (
            <Button variant="primary" onClick={() => setDialogOpen(true)}>
              Create your first key
            </Button>
          )}
        </Step>
        <Step n={2} done={first !== null} title="Call the API with the curl command from the key panel">
          <p className="text-sm text-slate-600">
            The panel that shows the secret also shows a ready <code className="font-mono">curl</code> command. Run it
            in a terminal.
          </p>
        </Step>
        <Step n={3} done={first !== null} title="See the request arrive">
          {first ? (
            <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700" role="status">
              First request received:
              <StatusBadge status={first.status} />
              <span className="font-mono text-xs">
                {first.method} {first.route}
              </span>
              <Link
                href={`/logs/requests/${encodeURIComponent(first.requestId)}`}
                className="text-indigo-700 hover:underline"
              >
                Open it
              </Link>
              <Button size="sm" onClick={() => router.refresh()}>
                Show my overview
              </Button>
            </p>
          ) : keyId ? (
            <p className="text-sm text-slate-600" role="status">
              Waiting for the first request with {keyId}…
            </p>
          ) : (
            <p className="text-sm text-slate-600">It appears here within a second or two.</p>
          )}
        </Step>
      </ol>
      <CreateKeyDialog open={dialogOpen} onClose={() => setDialogOpen(false)} onCreated={setCreated} />
    </section>
  );
}
