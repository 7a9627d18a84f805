import type { Metadata } from "next";
import type { ReactNode } from "react";
import { requireSessionActor } from "@/app/_server/session";
import { ERROR_MEANINGS } from "@/lib/error-meanings";
import { ERROR_STATUS, type ErrorCode } from "@/lib/errors";
import { buildOpenApiDocument } from "@/lib/openapi/build-openapi";
import { OperationDoc, type DocOperation, type Operation } from "@/components/docs/api-docs";
import { StatusBadge } from "@/components/ui/status-badge";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";

export const metadata: Metadata = { title: "API docs" };

const code = "rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-800";
const link = "text-indigo-700 hover:underline";

/** A top-level part of the reference, a target of the contents links. */
function DocSection({
  id,
  title,
  className = "space-y-3",
  children,
}: {
  id: string;
  title: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className={cn("scroll-mt-4", className)}>
      <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** The partner API reference, rendered here from the same OpenAPI document served at /api/v1/openapi.json. */
export default async function DocsPage() {
  await requireSessionActor();
  const doc = buildOpenApiDocument();
  const operations: DocOperation[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ ...(op as Operation), method: method.toUpperCase(), path })),
  );
  const groups = doc.tags.map((tag) => ({
    tag: tag.name,
    operations: operations.filter((op) => op.tags.includes(tag.name)),
  }));
  const errors = Object.entries(ERROR_STATUS) as [ErrorCode, number][];

  return (
    <div className="grid gap-8 lg:grid-cols-[12rem_1fr]">
      <nav aria-label="API docs contents" className="text-sm lg:sticky lg:top-4 lg:self-start">
        <ul className="space-y-3">
          <li>
            <a href="#authentication" className="font-medium text-slate-700 hover:text-indigo-700">
              Authentication
            </a>
          </li>
          {groups.map((g) => (
            <li key={g.tag}>
              <a href={`#tag-${g.tag.toLowerCase()}`} className="font-medium text-slate-700 hover:text-indigo-700">
                {g.tag}
              </a>
              <ul className="mt-1 space-y-0.5 border-l border-slate-200 pl-2">
                {g.operations.map((op) => (
                  <li key={op.operationId}>
                    <a
                      href={`#${op.operationId}`}
                      className="block truncate font-mono text-[11px] text-slate-500 hover:text-indigo-700"
                    >
                      {op.method} {op.path.replace("/api/v1", "")}
                    </a>
                  </li>
                ))}
              </ul>
            </li>
          ))}
          <li>
            <a href="#errors" className="font-medium text-slate-700 hover:text-indigo-700">
              Errors
            </a>
          </li>
        </ul>
      </nav>

      <div className="min-w-0 space-y-8">
        <header className="space-y-2">
          <h1 className="text-xl font-semibold text-slate-900">{doc.info.title}</h1>
          <p className="max-w-prose text-sm text-slate-600">
            Version {doc.info.version}. The machine-readable OpenAPI 3.1 document is at{" "}
            <a href="/api/v1/openapi.json" className={`${link} font-mono text-xs`}>
              /api/v1/openapi.json
            </a>
            : import it into Postman or a client generator.
          </p>
        </header>

        <DocSection id="authentication" title="Authentication" className="space-y-2">
          <div className="max-w-prose space-y-2 text-sm text-slate-700">
            <p>
              Every request carries an API key pair created under Keys: the public key id and its secret. Send them as
              two headers, <code className={code}>X-API-Key</code> and <code className={code}>X-API-Secret</code>, or as
              HTTP Basic authentication with the key id as user name and the secret as password.
            </p>
            <pre
              tabIndex={0}
              aria-label="Example requests with curl"
              className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100"
            >
              {`curl -H "X-API-Key: kw_live_…" -H "X-API-Secret: kwsec_live_…" https://<your-host>/api/v1/inventory
curl -u "kw_live_…:kwsec_live_…" https://<your-host>/api/v1/inventory`}
            </pre>
            <p>
              Each key holds scopes; an operation needs the scope shown on it, else it answers 403{" "}
              <a href="#errors-insufficient_scope" className="text-indigo-700 underline">
                insufficient_scope
              </a>
              . Every response carries an <code className={code}>X-Request-Id</code> header: quote it to find the
              request in your log. Errors share one body:{" "}
              <code className={code}>{`{ "error": { "code", "message", "requestId", "docs", "details?" } }`}</code>.
            </p>
            <ul className="flex flex-wrap gap-2 pt-1">
              {doc["x-scopes"].map((s) => (
                <li key={s.scope} className="flex items-center gap-1.5 text-xs text-slate-600">
                  <Badge mono>{s.scope}</Badge>
                  {s.description}
                </li>
              ))}
            </ul>
          </div>
        </DocSection>

        {groups.map((g) => (
          <DocSection key={g.tag} id={`tag-${g.tag.toLowerCase()}`} title={g.tag}>
            {g.operations.map((op) => (
              <OperationDoc key={op.operationId} op={op} />
            ))}
          </DocSection>
        ))}

        <DocSection id="errors" title="Errors">
          <p className="max-w-prose text-sm text-slate-600">
            The <code className={code}>docs</code> link in an error body points to its entry here.
          </p>
          <dl className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm">
            {errors.map(([errorCode, status]) => (
              <div
                key={errorCode}
                id={`errors-${errorCode}`}
                className="grid scroll-mt-4 gap-1 px-4 py-2.5 target:bg-amber-50 sm:grid-cols-[14rem_4rem_1fr] sm:gap-4"
              >
                <dt className="font-mono text-xs font-semibold text-slate-900">{errorCode}</dt>
                <dd>
                  <StatusBadge status={status} />
                </dd>
                <dd className="text-sm text-slate-700">{ERROR_MEANINGS[errorCode]}</dd>
              </div>
            ))}
          </dl>
        </DocSection>
      </div>
    </div>
  );
}
