"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { addLifecycleRuleAction } from "@/lib/actions/add-lifecycle-rule";
import type { ActionState } from "@/lib/actions/safe-action";

/** "Add lifecycle rule": the bucket's storage aborts incomplete uploads (its other rules are kept), then Settings checks again. */
export function AddLifecycleRuleButton({ connectionId, bucket }: { connectionId: string; bucket: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ tone: "error" | "success"; message: string } | null>(null);
  async function add() {
    setPending(true);
    setResult(null);
    try {
      const state: ActionState<unknown> = await addLifecycleRuleAction({ status: "idle" }, { connectionId, bucket });
      if (state.status === "success") {
        setResult({ tone: "success", message: state.message ?? "Lifecycle rule added." });
        router.refresh();
      } else if (state.status !== "idle") setResult({ tone: "error", message: state.message });
    } catch {
      setResult({ tone: "error", message: "The app could not be reached. Try again." });
    } finally {
      setPending(false);
    }
  }
  return (
    <div className="space-y-1">
      <Button variant="secondary" className="px-2.5 py-1" onClick={() => void add()} disabled={pending} aria-label={`Add lifecycle rule to ${bucket}`}>
        Add lifecycle rule
      </Button>
      <p role={result?.tone === "error" ? "alert" : "status"} className={`text-sm ${result?.tone === "error" ? "text-red-700 dark:text-red-300" : ""}`}>
        {result?.message}
      </p>
    </div>
  );
}
