"use client";

import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function BucketNotFound() {
  return (
    <div className="space-y-3 rounded-lg border border-zinc-200 p-6 dark:border-zinc-800">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">This connection, bucket or folder does not exist (any more).</p>
      <Link href="/buckets" className={buttonClass("secondary")}>
        Back to buckets
      </Link>
    </div>
  );
}
