"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { setLogNetworkOnly } from "@/lib/links/manage";
import { logNetworkOnlySchema } from "@/lib/validation/share";
import { recordAuditAfter } from "@/lib/audit/record";

/** Settings → access logs keep only the network part of recipients' addresses. */
export const setLogNetworkOnlyAction = signedInAction("setLogNetworkOnly", logNetworkOnlySchema, async ({ logNetworkOnly }, user) => {
  await setLogNetworkOnly(user.id, logNetworkOnly);
  await recordAuditAfter({ actor: user, kind: "settings.changed", subject: "Access logs", details: { setting: "logNetworkOnly", value: logNetworkOnly } });
  return {
    message: logNetworkOnly
      ? "Access logs now keep only the network part of addresses (/24 for IPv4, /48 for IPv6)."
      : "Access logs now keep recipients' full addresses.",
    revalidate: ["/settings/account"],
  };
});
