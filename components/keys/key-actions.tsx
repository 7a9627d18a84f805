"use client";

import { useState } from "react";
import type { KeyView } from "@/lib/keys/key-view";
import { Button } from "../ui/button";
import { EditKeyDialog } from "./edit-key-dialog";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import { RotateKeyDialog } from "./rotate-key-dialog";

type Open = "edit" | "rotate" | "revoke" | null;

/** Edit, Rotate and Revoke for one key. A revoked key is final, so it gets none. */
export function KeyActions({ apiKey }: { apiKey: KeyView }) {
  const [open, setOpen] = useState<Open>(null);
  if (apiKey.status === "revoked") return null;
  const close = () => setOpen(null);
  return (
    <div className="flex items-center gap-2">
      <Button onClick={() => setOpen("edit")}>Edit</Button>
      <Button onClick={() => setOpen("rotate")} disabled={apiKey.status !== "active"}>
        Rotate secret
      </Button>
      <Button variant="danger" onClick={() => setOpen("revoke")}>
        Revoke
      </Button>
      <EditKeyDialog apiKey={apiKey} open={open === "edit"} onClose={close} />
      <RotateKeyDialog apiKey={apiKey} open={open === "rotate"} onClose={close} />
      <RevokeKeyDialog apiKey={apiKey} open={open === "revoke"} onClose={close} />
    </div>
  );
}
