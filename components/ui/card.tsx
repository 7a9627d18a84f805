import type { ReactNode } from "react";
import { cn } from "./cn";

/** A titled panel, the dashboard's one card look. */
export function Card({
  title,
  id,
  actions,
  className,
  children,
}: {
  title: ReactNode;
  id: string;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className={cn("rounded-lg border border-slate-200 bg-white shadow-sm", className)}>
      <div className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-2.5">
        <h2 id={id} className="text-sm font-semibold text-slate-900">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
