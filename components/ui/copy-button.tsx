"use client";

import { useState, type RefObject } from "react";
import { Button } from "./button";

type CopyState = "idle" | "copied" | "manual";

/**
 * Copies text through the Clipboard API. Where that is unavailable (no secure context, permission denied) it
 * selects the text in `fallbackTarget` and tries the legacy copy command, else asks the user to press Ctrl+C.
 */
export function CopyButton({
  text,
  fallbackTarget,
  label = "Copy",
}: {
  text: string;
  fallbackTarget?: RefObject<HTMLInputElement | HTMLTextAreaElement | null>;
  label?: string;
}) {
  const [state, setState] = useState<CopyState>("idle");

  async function copy() {
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      const target = fallbackTarget?.current;
      target?.focus();
      target?.select();
      copied = Boolean(target) && document.execCommand("copy");
    }
    setState(copied ? "copied" : "manual");
    if (copied) window.setTimeout(() => setState("idle"), 2500);
  }

  return (
    <>
      <Button size="sm" onClick={copy} aria-label={label === "Copy" ? undefined : label}>
        {state === "copied" ? "Copied" : "Copy"}
      </Button>
      <span role="status" className="sr-only">
        {state === "copied" ? "Copied to the clipboard." : ""}
      </span>
      {state === "manual" ? (
        <span role="status" className="text-xs text-slate-600">
          Selected: press Ctrl+C (⌘C on a Mac) to copy.
        </span>
      ) : null}
    </>
  );
}
