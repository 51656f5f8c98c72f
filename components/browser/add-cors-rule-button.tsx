"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { addUploadCorsRuleAction } from "@/lib/actions/add-upload-cors-rule";
import type { ActionState } from "@/lib/actions/safe-action";

/** "Add CORS rule": adds the upload rule to the bucket's CORS (keeping its rules), then shows the page again. */
export function AddCorsRuleButton({
  connectionId,
  bucket,
  onAdded,
}: {
  connectionId: string;
  bucket: string /** Instead of showing the page again. */;
  onAdded?: () => void;
}) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  async function add() {
    setPending(true);
    setMessage(null);
    try {
      const state: ActionState<unknown> = await addUploadCorsRuleAction({ status: "idle" }, { connectionId, bucket });
      if (state.status === "success") (onAdded ?? router.refresh)();
      else setMessage(state.status === "idle" ? null : state.message);
    } catch {
      setMessage("The app could not be reached. Try again.");
    } finally {
      setPending(false);
    }
  }
  return (
    <div className="space-y-1">
      <Button onClick={() => void add()} disabled={pending}>
        Add CORS rule
      </Button>
      <p role="alert" className="text-sm">
        {message}
      </p>
    </div>
  );
}
