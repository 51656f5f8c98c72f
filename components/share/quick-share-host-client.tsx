"use client";

import { useState, type ReactNode } from "react";
import { listedKey } from "@/components/browser/listing-rows";
import { QuickShareDialog, type ShareTarget } from "@/components/share/quick-share-dialog";
import { baseName } from "@/lib/links/content-disposition";
import type { ShareLimits } from "@/lib/links/grant-limits";

/**
 * One Quick Share dialog for a whole listing. Object rows render a plain button beside a link naming
 * the key (listedKey; no client component per row keeps a 100-row page light);
 * a click on any of them opens the dialog for that object.
 */
export function QuickShareHostClient({
  connectionId,
  bucket,
  credentialsExpireAt,
  storagePrivateHost,
  publicUrl,
  limits,
  children,
}: {
  connectionId: string;
  bucket: string;
  credentialsExpireAt: string | null;
  storagePrivateHost: string | null;
  publicUrl: string | null;
  /** What the person's grant allows (lib/links/grant-limits.ts); null: everything. */
  limits: ShareLimits | null;
  children: ReactNode;
}) {
  const [target, setTarget] = useState<ShareTarget | null>(null);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: delegation only; the clicks come from the real Quick Share buttons inside (keyboard included)
    <div
      onClick={(event) => {
        const button = (event.target as HTMLElement).closest<HTMLButtonElement>("tbody button");
        const key = button && !button.dataset.shareFolder ? listedKey(button) : null;
        if (!key) return;
        setTarget({
          connectionId,
          bucket,
          key,
          name: baseName(key),
          credentialsExpireAt,
          storagePrivateHost,
          publicUrl,
          limits,
        });
      }}
    >
      {children}
      {target ? <QuickShareDialog key={target.key} target={target} open onClose={() => setTarget(null)} /> : null}
    </div>
  );
}
