"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { KEY_LIST_STATUSES } from "@/lib/keys/key-vocabulary";
import { Input } from "../ui/field";

export type KeyFilters = { q: string; status: "" | (typeof KEY_LIST_STATUSES)[number] };

const STATUS_OPTIONS = [
  { value: "", label: "All statuses" },
  { value: "active", label: "Active" },
  { value: "expiring", label: "Expiring in 14 days" },
  { value: "suspended", label: "Suspended" },
  { value: "expired", label: "Expired" },
  { value: "revoked", label: "Revoked" },
] as const;

/**
 * Search and status filter, kept in the URL (?q=&status=) so the server page does the filtering and a
 * filtered view can be shared. Typing waits for a pause before it navigates.
 */
export function KeysFilters({ filters, onNavigate }: { filters: KeyFilters; onNavigate: (href: string) => void }) {
  const pathname = usePathname();
  const [q, setQ] = useState(filters.q);
  const lastPushed = useRef(filters.q);

  function hrefFor(next: KeyFilters) {
    const params = new URLSearchParams();
    if (next.q.trim()) params.set("q", next.q.trim());
    if (next.status) params.set("status", next.status);
    const query = params.toString();
    return query ? `${pathname}?${query}` : pathname;
  }

  useEffect(() => {
    if (q.trim() === lastPushed.current.trim()) return;
    const timer = window.setTimeout(() => {
      lastPushed.current = q;
      onNavigate(hrefFor({ ...filters, q }));
    }, 300);
    return () => window.clearTimeout(timer);
    // hrefFor reads the latest filters; re-running on q alone is the point of the debounce.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  return (
    <form
      role="search"
      className="flex flex-wrap items-center gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        lastPushed.current = q;
        onNavigate(hrefFor({ ...filters, q }));
      }}
    >
      <label htmlFor="keys-search" className="sr-only">
        Search keys
      </label>
      <Input
        id="keys-search"
        type="search"
        name="q"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder="Search name, partner or key id"
        className="w-full sm:w-72"
        maxLength={80}
      />
      <label htmlFor="keys-status" className="sr-only">
        Status
      </label>
      <select
        id="keys-status"
        name="status"
        value={filters.status}
        onChange={(e) => onNavigate(hrefFor({ q, status: e.target.value as KeyFilters["status"] }))}
        className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500/30"
      >
        {STATUS_OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {filters.q || filters.status ? (
        <button
          type="button"
          onClick={() => {
            setQ("");
            lastPushed.current = "";
            onNavigate(pathname);
          }}
          className="text-xs text-slate-500 hover:text-slate-800"
        >
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
