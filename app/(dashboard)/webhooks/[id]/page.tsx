import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireSessionActor } from "@/app/_server/session";
import { rethrowForPage } from "@/app/_server/page-error";
import { ApiError } from "@/lib/errors";
import { getWebhook } from "@/lib/webhooks/webhook-endpoints";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { DeliveriesList } from "@/components/webhooks/deliveries-list";
import { BackLink } from "@/components/ui/back-link";

export const metadata: Metadata = { title: "Webhook deliveries" };

export default async function WebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSessionActor();
  const { id } = await params;
  let endpoint;
  try {
    endpoint = (await getWebhook(actor, id)).data;
  } catch (err) {
    if (err instanceof ApiError && err.code === "not_found") notFound();
    rethrowForPage(err);
  }
  return (
    <div className="space-y-5">
      <div>
        <BackLink href="/webhooks">Webhooks</BackLink>
        <h1 className="mt-1 font-mono text-lg font-semibold break-all text-slate-900">{endpoint.url}</h1>
        <p className="text-xs text-slate-500">{endpoint.description ?? endpoint.id}</p>
        <ul className="mt-2 flex flex-wrap gap-1" aria-label="Events">
          {endpoint.events.map((e) => (
            <li key={e}>
              <Badge mono>{e}</Badge>
            </li>
          ))}
        </ul>
      </div>
      <Card id="webhook-deliveries" title="Latest deliveries">
        <DeliveriesList endpointId={endpoint.id} deliveries={endpoint.deliveries} />
      </Card>
    </div>
  );
}
