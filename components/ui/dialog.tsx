"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { cn } from "./cn";

/**
 * A modal on the native <dialog>: the browser gives focus trapping, Escape, the top layer and an inert page
 * behind it. Content mounts only while open, so forms start fresh and nothing time-zone dependent is rendered
 * on the server.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  dismissible = true,
  className,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  /** False while closing would lose something the user must act on first (a secret shown once). */
  dismissible?: boolean;
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const trigger = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      trigger.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      // The first field, not the close button the browser would pick: typing can start at once.
      const first = dialog.querySelector<HTMLElement>(
        "[data-autofocus], [autofocus], input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])",
      );
      first?.focus();
    }
    if (!open && dialog.open) dialog.close();
    if (!open && trigger.current) {
      // Back to what opened the dialog (if it is still on the page), so keyboard users keep their place.
      const back = trigger.current;
      trigger.current = null;
      if (back.isConnected) back.focus();
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (dismissible) onClose();
      }}
      onClose={() => {
        if (open) onClose();
      }}
      className={cn(
        // A full-width sheet from the bottom on phones; a centred panel from sm up.
        "mx-0 mt-auto mb-0 max-h-[92dvh] w-full max-w-none overflow-y-auto rounded-t-lg border border-slate-200",
        "sm:m-auto sm:max-h-[calc(100vh-4rem)] sm:w-[min(40rem,calc(100vw-2rem))] sm:rounded-lg",
        "bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/50",
        className,
      )}
    >
      {open ? (
        <div className="p-4 sm:p-5">
          <div className="mb-4 flex items-start justify-between gap-4">
            <div>
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className="mt-0.5 text-sm text-slate-500">
                  {description}
                </p>
              ) : null}
            </div>
            {dismissible ? (
              <button
                type="button"
                onClick={onClose}
                aria-label="Close"
                className="-m-1 rounded p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-600 focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <span aria-hidden="true" className="block size-4 text-center leading-4">
                  ×
                </span>
              </button>
            ) : null}
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

export function DialogFooter({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <div className={cn("mt-5 flex items-center justify-end gap-2 border-t border-slate-100 pt-4", className)}>
      {children}
    </div>
  );
}
