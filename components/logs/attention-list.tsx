import Link from "next/link";
import type { AttentionItem } from "@/lib/keys/keys-needing-attention";
import { Badge, type BadgeTone } from "../ui/badge";
import { LocalTime } from "../ui/local-time";

const REASONS: Record<AttentionItem["reason"], { label: string; tone: BadgeTone }> = {
  expiring_soon: { label: "Expiring soon", tone: "amber" },
  revoked_still_used: { label: "Revoked, still used", tone: "red" },
  high_error_rate: { label: "High error rate", tone: "red" },
  refusal_burst: { label: "Wrong secret, repeatedly", tone: "red" },
  unused_30_days: { label: "Unused for 30 days", tone: "neutral" },
  unused_scopes: { label: "Unused scopes", tone: "indigo" },
};

const ISO_INSTANT = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/;

/** lib/ words the detail with exact instants; the reader gets them in their own time zone. */
function Detail({ text }: { text: string }) {
  return (
    <>
      {text
        .split(ISO_INSTANT)
        .map((part, i) => (i % 2 === 1 ? <LocalTime key={i} iso={part} /> : <span key={i}>{part}</span>))}
    </>
  );
}

export function AttentionList({ items }: { items: AttentionItem[] }) {
  if (items.length === 0) {
    return (
      <p className="px-4 py-6 text-sm text-slate-500">
        Nothing needs attention: every key is in use, in date and mostly succeeding.
      </p>
    );
  }
  return (
    <ul className="divide-y divide-slate-100" aria-label="Keys needing attention">
      {items.map((item) => (
        <li key={`${item.reason}-${item.keyId}`} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2.5">
          <Badge tone={REASONS[item.reason].tone}>{REASONS[item.reason].label}</Badge>
          <Link
            href={`/keys/${item.keyId}`}
            className="text-sm font-medium text-slate-900 hover:text-indigo-700 hover:underline"
          >
            {item.name}
          </Link>
          {item.partner ? <span className="text-xs text-slate-500">{item.partner}</span> : null}
          <span className="text-xs text-slate-600">
            <Detail text={item.detail} />
          </span>
        </li>
      ))}
    </ul>
  );
}
