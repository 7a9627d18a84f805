"use client";

import { useState, useTransition } from "react";
import { redeliverWebhookAction } from "@/app/_server/actions/webhooks";
import type { WebhookDeliveryView } from "@/lib/webhooks/webhook-input";
import { Alert } from "../ui/alert";
import { Badge, type BadgeTone } from "../ui/badge";
import { Button } from "../ui/button";
import { LocalTime } from "../ui/local-time";

const STATUS_TONE: Record<WebhookDeliveryView["status"], BadgeTone> = {
  pending: "amber",
  delivered: "green",
  failed: "red",
};

function Delivery({ endpointId, delivery }: { endpointId: string; delivery: WebhookDeliveryView }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <li className="space-y-1.5 px-4 py-3" data-testid="webhook-delivery">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <Badge mono>{delivery.eventType}</Badge>
          <Badge tone={STATUS_TONE[delivery.status]}>{delivery.status}</Badge>
          <span className="font-mono text-xs text-slate-500">{delivery.eventId}</span>
          <span className="text-xs text-slate-500">
            <LocalTime iso={delivery.createdAt} /> · {delivery.attempts} attempt{delivery.attempts === 1 ? "" : "s"}
            {delivery.nextAttemptAt ? (
              <>
                {" "}
                · next <LocalTime iso={delivery.nextAttemptAt} />
              </>
            ) : null}
          </span>
        </div>
        <Button
          size="sm"
          pending={pending}
          onClick={() =>
            startTransition(async () => {
              const result = await redeliverWebhookAction(endpointId, delivery.id);
              setError(result.ok ? null : result.error.message);
            })
          }
        >
          Redeliver
        </Button>
      </div>
      {delivery.attemptLog.length > 0 ? (
        <table className="w-full text-left text-xs">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 font-medium">Attempt at</th>
              <th className="py-1 font-medium">Response</th>
              <th className="py-1 font-medium">Latency</th>
              <th className="py-1 font-medium">Error</th>
            </tr>
          </thead>
          <tbody className="text-slate-700">
            {delivery.attemptLog.map((a, i) => (
              <tr key={`${a.at}-${i}`}>
                <td className="py-0.5">
                  <LocalTime iso={a.at} />
                </td>
                <td className="py-0.5 font-mono">{a.statusCode ?? "—"}</td>
                <td className="py-0.5">{a.latencyMs.toFixed(1)} ms</td>
                <td className="py-0.5 text-red-700">{a.error ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
    </li>
  );
}

export function DeliveriesList({ endpointId, deliveries }: { endpointId: string; deliveries: WebhookDeliveryView[] }) {
  if (deliveries.length === 0) return <p className="px-4 py-3 text-sm text-slate-500">No deliveries yet.</p>;
  return (
    <ol className="divide-y divide-slate-100" aria-label="Deliveries">
      {deliveries.map((d) => (
        <Delivery key={d.id} endpointId={endpointId} delivery={d} />
      ))}
    </ol>
  );
}
