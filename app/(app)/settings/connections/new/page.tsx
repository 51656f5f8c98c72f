import type { Metadata } from "next";
import Link from "next/link";
import { ConnectionForm } from "@/components/connections/connection-form";
import { notFound } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Add connection" };

export default async function NewConnectionPage() {
  if (!can(await requireUser(), "connections.manage")) notFound();
  return (
    <div className="max-w-3xl space-y-6">
      <div className="space-y-1">
        <Link href="/settings/connections" className="text-sm text-sky-700 hover:underline dark:text-sky-400">
          ← Connections
        </Link>
        <h1 className="text-2xl font-semibold">Add connection</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Pick your provider to prefill its endpoint, then paste an access key.</p>
      </div>
      <ConnectionForm defaultHealthCheckRate={getEnv().HEALTH_CHECK_RATE} />
    </div>
  );
}
