import { cn } from "../ui/cn";

/**
 * "Find request": a plain GET form to /logs/requests?id=…, which opens that request whatever time range the
 * log shows. No script needed, so it works from any page, even one that failed to hydrate.
 */
export function FindRequestForm({ id, compact = false }: { id: string; compact?: boolean }) {
  return (
    <form action="/logs/requests" method="get" role="search" aria-label="Find a request" className="flex gap-1.5">
      <label htmlFor={id} className="sr-only">
        Request id
      </label>
      <input
        id={id}
        name="id"
        required
        maxLength={100}
        placeholder="Find request (req_…)"
        autoComplete="off"
        spellCheck={false}
        className={cn(
          "h-8 min-w-0 rounded-md border border-slate-300 bg-white px-2.5 font-mono text-xs text-slate-900 placeholder:font-sans placeholder:text-slate-500",
          "focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500/30",
          compact ? "w-full sm:w-52" : "w-full",
        )}
      />
      <button
        type="submit"
        className="h-8 shrink-0 rounded-md border border-slate-300 bg-white px-2.5 text-xs font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        Open
      </button>
    </form>
  );
}
