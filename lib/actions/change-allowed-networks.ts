"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { changeLink } from "@/lib/links/manage";
import { changeAllowedNetworksSchema } from "@/lib/validation/share";

/** Link page → Change allowed networks (managed links): the recipient's next request must come from one of them; empty = anywhere. */
export const changeAllowedNetworksAction = signedInAction("changeAllowedNetworks", changeAllowedNetworksSchema, async ({ id, allowedNetworks }, user) => {
  await changeLink(user, { id }, { allowedNetworks });
  const count = allowedNetworks.length;
  return {
    message:
      count === 0
        ? "The link now opens from any network."
        : `The link now opens only from ${count === 1 ? "this network" : `these ${count} networks`}: ${allowedNetworks.join(", ")}.`,
    revalidate: ["/links", `/links/${id}`],
  };
});
