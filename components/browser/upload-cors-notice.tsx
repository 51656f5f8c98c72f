import { AddCorsRuleButton } from "@/components/browser/add-cors-rule-button";
import { Alert } from "@/components/ui/alert";
import type { FolderUploadState } from "@/lib/uploads/session";

/**
 * Before anyone picks files: when the bucket's CORS will not let the browser upload, what is missing, the
 * exact rule, and "Add CORS rule" for who may manage connections. Nothing when uploads will work.
 */
export async function UploadCorsNotice({ state, connectionId, bucket }: { state: Promise<FolderUploadState>; connectionId: string; bucket: string }) {
  const { cors, canAddCorsRule } = await state;
  if (!cors || cors.status === "ok") return null;
  if (cors.status !== "missing") {
    return (
      <Alert tone="warning" role="status">
        Uploads will not work here yet: {cors.message}
      </Alert>
    );
  }
  return (
    <Alert tone="warning" role="status">
      <div className="space-y-2">
        <p>Uploads will not work here yet. {cors.message} The rule (bucket CORS, JSON):</p>
        <pre className="overflow-x-auto rounded bg-white/60 p-2 text-xs dark:bg-black/30">{JSON.stringify([cors.rule], null, 2)}</pre>
        {canAddCorsRule ? <AddCorsRuleButton connectionId={connectionId} bucket={bucket} /> : <p>Ask the Owner or an Admin to add it.</p>}
      </div>
    </Alert>
  );
}
