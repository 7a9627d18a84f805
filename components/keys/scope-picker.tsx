"use client";

import { useId } from "react";
import { endpointsForScopes } from "@/lib/route-list";
import {
  RESOURCES,
  SCOPE_TEMPLATES,
  levelForResource,
  normaliseScopes,
  scopesForLevel,
  type AccessLevel,
  type ResourceId,
  type Scope,
} from "@/lib/scopes";
import { cn } from "../ui/cn";

const LEVEL_LABELS: Record<AccessLevel, string> = { none: "None", read: "Read", write: "Write" };

const METHOD_TONE: Record<string, string> = {
  GET: "text-emerald-700",
  POST: "text-indigo-700",
  PATCH: "text-amber-700",
  DELETE: "text-red-700",
};

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  const left = normaliseScopes(a);
  const right = normaliseScopes(b);
  return left.length === right.length && left.every((s, i) => s === right[i]);
}

/**
 * Per-resource access levels (None / Read / Write) over the one scope catalog, with templates for the common
 * partner setups and the exact endpoints the selection allows. The value is a scope list; a new key starts
 * with none (least privilege).
 */
export function ScopePicker({
  value,
  onChange,
  error,
}: {
  value: readonly Scope[];
  onChange: (scopes: Scope[]) => void;
  error?: string;
}) {
  const id = useId();
  const endpoints = endpointsForScopes(value);

  function setLevel(resource: ResourceId, level: AccessLevel) {
    const others = value.filter((scope) => !scope.startsWith(`${resource}:`));
    onChange(normaliseScopes([...others, ...scopesForLevel(resource, level)]));
  }

  return (
    <div aria-describedby={error ? `${id}-error` : undefined}>
      <div className="flex flex-wrap items-center gap-1.5">
        <span className="text-xs text-slate-500">Templates:</span>
        {SCOPE_TEMPLATES.map((template) => {
          const active = sameScopes(value, template.scopes);
          return (
            <button
              key={template.id}
              type="button"
              title={template.description}
              aria-pressed={active}
              onClick={() => onChange(normaliseScopes(template.scopes))}
              className={cn(
                "rounded-full border px-2 py-0.5 text-xs transition-colors focus-visible:outline-2 focus-visible:outline-indigo-600",
                active
                  ? "border-indigo-300 bg-indigo-50 text-indigo-800"
                  : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
              )}
            >
              {template.label}
            </button>
          );
        })}
      </div>

      <div className="mt-3 divide-y divide-slate-100 rounded-md border border-slate-200">
        {RESOURCES.map((resource) => {
          const current = levelForResource(value, resource.id);
          const levels: AccessLevel[] = ["none", ...resource.levels];
          return (
            <fieldset key={resource.id} className="flex items-center justify-between gap-4 px-3 py-2">
              <legend className="sr-only">{resource.label}</legend>
              <div aria-hidden="true">
                <p className="text-sm font-medium text-slate-800">{resource.label}</p>
                <p className="text-xs text-slate-500">{resource.description}</p>
              </div>
              <div className="inline-flex shrink-0 rounded-md border border-slate-300 bg-slate-50 p-0.5">
                {levels.map((level) => (
                  // The radio covers its label, so a click lands on the real control (and tools that drive it).
                  <label
                    key={level}
                    className={cn(
                      "relative block cursor-pointer rounded px-2.5 py-0.5 text-xs font-medium text-slate-600 select-none",
                      "has-checked:bg-white has-checked:text-slate-900 has-checked:shadow-sm",
                      "has-focus-visible:outline-2 has-focus-visible:outline-indigo-600",
                      level === "write" && "has-checked:text-amber-800",
                    )}
                  >
                    <input
                      type="radio"
                      name={`${id}-${resource.id}`}
                      value={level}
                      checked={current === level}
                      onChange={() => setLevel(resource.id, level)}
                      className="absolute inset-0 m-0 cursor-pointer appearance-none rounded opacity-0"
                    />
                    {LEVEL_LABELS[level]}
                  </label>
                ))}
              </div>
            </fieldset>
          );
        })}
      </div>

      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-600">
          {error}
        </p>
      ) : null}

      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-xs font-medium text-slate-600 hover:text-slate-900">
          Advanced: endpoints this key can call ({endpoints.length})
        </summary>
        {endpoints.length === 0 ? (
          <p className="mt-2 text-xs text-slate-500">None yet: with no scope, every request is refused.</p>
        ) : (
          <ul className="mt-2 space-y-1 rounded-md bg-slate-50 p-2 font-mono text-xs">
            {endpoints.map((endpoint) => (
              <li key={`${endpoint.method} ${endpoint.path}`} className="flex gap-2" title={endpoint.summary}>
                <span className={cn("w-12 shrink-0 font-semibold", METHOD_TONE[endpoint.method])}>
                  {endpoint.method}
                </span>
                <span className="text-slate-800">{endpoint.path}</span>
                <span className="ml-auto text-slate-500">{endpoint.scope}</span>
              </li>
            ))}
          </ul>
        )}
      </details>
    </div>
  );
}
