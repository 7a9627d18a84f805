import type { Metadata } from "next";
import { requireSessionActor } from "@/app/_server/session";
import { runAction } from "@/app/_server/run-action";
import { listPartners } from "@/lib/partners/list-partners";
import { PartnersTable } from "@/components/partners/partners-table";
import { PartnerFormButton } from "@/components/partners/partner-form-dialog";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Partners" };

export default async function PartnersPage() {
  const actor = await requireSessionActor();
  const result = await runAction(() => listPartners(actor, { limit: 200 }));
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Partners</h1>
          <p className="text-sm text-slate-500">Each partner&apos;s keys and how they are used.</p>
        </div>
        <PartnerFormButton />
      </div>
      {result.ok ? (
        <Card id="partners-list" title="All partners">
          <div className="overflow-x-auto">
            <PartnersTable partners={result.data.data} showOwner={actor.role === "support"} />
          </div>
        </Card>
      ) : (
        <Alert tone="error" title="Partners could not be loaded.">
          {result.error.message}
        </Alert>
      )}
    </div>
  );
}
