import { StatusBadge } from "@/components/ui/status-badge";
import { Badge, type BadgeTone } from "../ui/badge";
import { FieldTable } from "./field-table";
import { fieldsOf, typeOf, type JsonSchema } from "./schema";

type Parameter = { name: string; in: string; required: boolean; schema: JsonSchema; description?: string };
type Response = { description: string; content?: { "application/json"?: { schema: JsonSchema } } };
export type Operation = {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  /** Absent on the public operation (the leak report takes no credentials). */
  "x-required-scope"?: string;
  parameters: Parameter[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, Response>;
};
export type DocOperation = Operation & { method: string; path: string };

const METHOD_TONE: Record<string, BadgeTone> = { GET: "green", POST: "indigo", PATCH: "amber", DELETE: "red" };

/** One operation: what it needs (scope, parameters, body) and what it answers. */
export function OperationDoc({ op }: { op: DocOperation }) {
  const body = op.requestBody?.content["application/json"].schema;
  const responses = Object.entries(op.responses);
  const success = responses.find(([status]) => status.startsWith("2"));
  const successSchema = success?.[1].content?.["application/json"]?.schema;
  return (
    <article
      id={op.operationId}
      aria-labelledby={`${op.operationId}-title`}
      className="scroll-mt-4 rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-2.5">
        <Badge tone={METHOD_TONE[op.method] ?? "neutral"} mono>
          {op.method}
        </Badge>
        <code className="font-mono text-sm font-semibold break-all text-slate-900">{op.path}</code>
        <span className="ml-auto flex items-center gap-1 text-xs text-slate-500">
          {op["x-required-scope"] ? (
            <>
              scope <Badge mono>{op["x-required-scope"]}</Badge>
            </>
          ) : (
            "no credentials"
          )}
        </span>
      </header>
      <div className="space-y-3 px-4 py-3">
        <h3 id={`${op.operationId}-title`} className="text-sm font-medium text-slate-900">
          {op.summary}
        </h3>
        {op.description.includes("session") ? (
          <p className="text-xs text-slate-500">Also accepts a signed-in dashboard session.</p>
        ) : null}
        {op.parameters.length ? (
          <div className="space-y-1">
            <h4 className="text-xs font-semibold text-slate-700">Parameters</h4>
            <FieldTable
              label={`${op.operationId} parameters`}
              nameHeader="Parameter"
              fields={op.parameters.map((p) => ({
                name: `${p.name} (${p.in})`,
                type: typeOf(p.schema),
                required: p.required,
                notes: [
                  ...(p.description ? [p.description] : []),
                  ...fieldsOf({ properties: { x: p.schema } })[0]!.notes,
                ],
              }))}
            />
          </div>
        ) : null}
        {body ? (
          <div className="space-y-1">
            <h4 className="text-xs font-semibold text-slate-700">Request body (JSON)</h4>
            <FieldTable label={`${op.operationId} request body`} fields={fieldsOf(body)} />
          </div>
        ) : null}
        <div className="space-y-1">
          <h4 className="text-xs font-semibold text-slate-700">Responses</h4>
          <ul className="space-y-1 text-sm">
            {responses.map(([status, r]) => (
              <li key={status} className="flex flex-wrap items-center gap-2">
                <StatusBadge status={Number(status)} />
                {status.startsWith("2") ? (
                  <span className="text-slate-700">{r.description}</span>
                ) : (
                  <span className="flex flex-wrap gap-1.5">
                    {r.description.split(", ").map((code) => (
                      <a
                        key={code}
                        href={`#errors-${code}`}
                        className="font-mono text-xs text-indigo-700 hover:underline"
                      >
                        {code}
                      </a>
                    ))}
                  </span>
                )}
              </li>
            ))}
          </ul>
          {successSchema ? (
            <details className="pt-1">
              <summary className="cursor-pointer text-xs font-medium text-slate-600 hover:text-slate-900">
                Response fields ({success![0]})
              </summary>
              <div className="mt-2">
                <FieldTable label={`${op.operationId} response fields`} fields={fieldsOf(successSchema)} />
              </div>
            </details>
          ) : null}
        </div>
      </div>
    </article>
  );
}
