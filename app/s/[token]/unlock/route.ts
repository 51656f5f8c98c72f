import { withRecipientLink } from "@/lib/recipient/handler";
import { UNLOCK } from "@/lib/recipient/policies";
import { unlockLink } from "@/lib/recipient/unlock";

/** The password form of a protected link posts here (plain HTML form, 303 back to the page). */
export const POST = withRecipientLink(UNLOCK, unlockLink);
