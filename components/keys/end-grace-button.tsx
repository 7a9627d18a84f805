"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { endGraceAction } from "@/app/_server/actions/keys";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogFooter } from "../ui/dialog";

/** "Retire the old secret now": ends a rotation's grace period early, after a confirmation. */
export function EndGraceButton({ keyId, lastFour }: { keyId: string; lastFour: string[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    setOpen(false);
  };
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        Retire the old secret now
      </Button>
      <Dialog open={open} onClose={close} title="Retire the old secret now?" description={keyId}>
        <div className="space-y-4">
          <p className="text-sm text-slate-700">
            The previous secret ({lastFour.map((l) => `…${l}`).join(", ")}) is refused from the next request on, on
            every instance. Clients still sending it get <code className="font-mono">401 invalid_credentials</code>.
          </p>
          {error ? <Alert tone="error">{error}</Alert> : null}
          <DialogFooter>
            <Button onClick={close} disabled={pending} data-autofocus>
              Cancel
            </Button>
            <Button
              variant="danger"
              pending={pending}
              onClick={() =>
                startTransition(async () => {
                  const result = await endGraceAction(keyId);
                  if (result.ok) {
                    close();
                    router.refresh();
                  } else setError(result.error.message);
                })
              }
            >
              Retire old secret
            </Button>
          </DialogFooter>
        </div>
      </Dialog>
    </>
  );
}
