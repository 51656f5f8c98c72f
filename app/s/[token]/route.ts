import { withRecipientLink } from "@/lib/recipient/handler";
import { showRecipientPage } from "@/lib/recipient/pages";
import { RECIPIENT_PAGE } from "@/lib/recipient/policies";

/** The recipient page of a managed link (public, no session). Its own status codes and headers: lib/recipient/. */
export const GET = withRecipientLink(RECIPIENT_PAGE, showRecipientPage);
export const HEAD = GET;
