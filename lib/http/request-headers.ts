import "server-only";
import { headers } from "next/headers";
import { requestStateStorage } from "@/lib/http/request-state";

/**
 * The headers of the request being answered: next/headers inside Next; the API answered before
 * Next's router (lib/boot/api-fast-path.ts) has no Next request scope, so lib/boot/server.ts keeps
 * that request's headers in its per-request state. Throws outside any request, as next/headers does.
 */
export async function requestHeaders(): Promise<Headers> {
  return requestStateStorage()?.getStore()?.headers ?? (await headers());
}
