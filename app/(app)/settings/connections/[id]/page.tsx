import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConnectionForm } from "@/components/connections/connection-form";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { getConnection } from "@/lib/storage/connections";
import type { ProviderId } from "@/lib/storage/provider-presets";

export const metadata: Metadata = { title: "Edit connection" };

export default async function EditConnectionPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  if (!can(user, "connections.manage")) notFound();
  const connection = await getConnection(user, id);
  if (!connection || connection.fromEnv) notFound();
  return (
    <div className="max-w-3xl space-y-6">
      <div className="space-y-1">
        <Link href="/settings/connections" className="text-sm text-sky-700 hover:underline dark:text-sky-400">
          ← Connections
        </Link>
        <h1 className="text-2xl font-semibold">Edit {connection.name}</h1>
      </div>
      <ConnectionForm
        initial={{
          id: connection.id,
          name: connection.name,
          provider: connection.provider as ProviderId,
          endpoint: connection.endpoint,
          region: connection.region,
          forcePathStyle: connection.forcePathStyle,
          accessKeyId: connection.accessKeyId,
          buckets: connection.buckets.join(", "),
          hasSessionToken: connection.hasSessionToken,
          sessionTokenExpiresAt: connection.sessionTokenExpiresAt?.toISOString(),
          healthCheckRate: connection.healthCheckRate === null ? "" : String(connection.healthCheckRate),
        }}
        defaultHealthCheckRate={getEnv().HEALTH_CHECK_RATE}
      />
    </div>
  );
}
