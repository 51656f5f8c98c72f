import { withRecipientLink } from "@/lib/recipient/handler";
import { showRecipientPage } from "@/lib/recipient/pages";

/** The recipient page of a managed link (public, no session). Its own status codes and headers: lib/recipient/. */
export const GET = withRecipientLink(showRecipientPage);
export const HEAD = GET;
