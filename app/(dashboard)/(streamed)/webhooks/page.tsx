import type { Metadata } from "next";
import { requireSessionActor } from "@/app/_server/session";
import { runAction } from "@/app/_server/run-action";
import { listWebhooks } from "@/lib/webhooks/webhook-endpoints";
import { WebhooksScreen } from "@/components/webhooks/webhooks-screen";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const actor = await requireSessionActor();
  const result = await runAction(() => listWebhooks(actor));
  return (
    <WebhooksScreen endpoints={result.ok ? result.data.data : []} error={result.ok ? null : result.error.message} />
  );
}
