import type { ReactNode } from "react";
import { QuickShareHostClient } from "@/components/share/quick-share-host-client";
import { publicBaseUrl } from "@/lib/env";
import type { ShareLimits } from "@/lib/links/grant-limits";

/**
 * One Quick Share dialog for a whole listing (server part): hands the dialog the app's public
 * address, which decides whether "Managed link" is the default.
 */
export function QuickShareHost(props: {
  connectionId: string;
  bucket: string;
  credentialsExpireAt: string | null;
  storagePrivateHost: string | null;
  limits: ShareLimits | null;
  children: ReactNode;
}) {
  return <QuickShareHostClient {...props} publicUrl={publicBaseUrl()} />;
}
