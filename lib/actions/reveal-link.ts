"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { revealLinkUrl } from "@/lib/links/history";
import { linkIdSchema } from "@/lib/validation/share";

/** History → Copy link: the URL is decrypted on the server, only while the link is active. */
export const revealLinkAction = signedInAction<typeof linkIdSchema, { url: string }>("revealLink", linkIdSchema, async ({ id }, user) => ({
  data: { url: await revealLinkUrl(user, id) },
}));
