"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { can } from "@/lib/auth/permissions";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import type { UploadCorsCheck } from "@/lib/uploads/cors";
import { assertMayRequest, requestCors } from "@/lib/upload-requests/issue";
import { requestCorsSchema } from "@/lib/validation/upload-requests";

export type RequestCorsState = { cors: UploadCorsCheck; canAddCorsRule: boolean };

/** "Request files" opened: whether uploaders' browsers may upload to the bucket (its CORS), asked from the server first. */
export const checkRequestCorsAction = signedInAction<typeof requestCorsSchema, RequestCorsState>("checkRequestCors", requestCorsSchema, async (input, user) => {
  const open = await openConnectionOrThrow(user, input.connectionId);
  assertMayRequest(user, open.connection.id, input.bucket, input.folder);
  return { data: { cors: await requestCors(open, input.bucket), canAddCorsRule: can(user, "connections.manage") } };
});
