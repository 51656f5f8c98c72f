import { withSession } from "@/lib/http/with-session";
import { signUploadRoute } from "@/lib/uploads/session";

export const dynamic = "force-dynamic";

/** Uppy's signRequest: one part (or ListParts) URL for the caller's own upload, or the app's path for Create/Complete/Abort. */
export const POST = withSession({ name: "uploads.sign", failure: "The upload could not be signed. Try again." }, signUploadRoute);
