"use client";

import { useState } from "react";
import type { KeyView } from "@/lib/keys/key-view";
import { Button } from "../ui/button";
import { EditKeyDialog } from "./edit-key-dialog";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import { RotateKeyDialog } from "./rotate-key-dialog";
import { ResumeKeyButton, SuspendKeyDialog } from "./suspend-key-dialog";

type Open = "edit" | "rotate" | "suspend" | "revoke" | null;

/** Edit, Rotate, Suspend (or Resume) and Revoke for one key. A revoked key is final, so it gets none. */
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
      {apiKey.status === "suspended" ? (
        <ResumeKeyButton apiKey={apiKey} />
      ) : (
        <Button onClick={() => setOpen("suspend")} disabled={apiKey.status !== "active"}>
          Suspend
        </Button>
      )}
      <Button variant="danger" onClick={() => setOpen("revoke")}>
        Revoke
      </Button>
      <EditKeyDialog apiKey={apiKey} open={open === "edit"} onClose={close} />
      <RotateKeyDialog apiKey={apiKey} open={open === "rotate"} onClose={close} />
      <SuspendKeyDialog apiKey={apiKey} open={open === "suspend"} onClose={close} />
      <RevokeKeyDialog apiKey={apiKey} open={open === "revoke"} onClose={close} />
    </div>
  );
}
