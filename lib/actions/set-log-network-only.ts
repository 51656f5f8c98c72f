"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { setLogNetworkOnly } from "@/lib/links/manage";
import { logNetworkOnlySchema } from "@/lib/validation/share";
import { recordAuditAfter } from "@/lib/audit/record";

/** Settings → access logs keep only the network part of recipients' addresses: for the whole team, so the Owner's choice. */
export const setLogNetworkOnlyAction = signedInAction("setLogNetworkOnly", logNetworkOnlySchema, async ({ logNetworkOnly }, user) => {
  if (!can(user, "instance.settings")) throw new AppError("forbidden", "Only the Owner chooses what access logs keep.");
  await setLogNetworkOnly(user.teamId, logNetworkOnly);
  await recordAuditAfter({ actor: user, kind: "settings.changed", subject: "Access logs", details: { setting: "logNetworkOnly", value: logNetworkOnly } });
  return {
    message: logNetworkOnly
      ? "Access logs now keep only the network part of addresses (/24 for IPv4, /48 for IPv6)."
      : "Access logs now keep recipients' full addresses.",
    revalidate: ["/settings/account"],
  };
});
