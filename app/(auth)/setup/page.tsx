import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { ownerExists } from "@/lib/auth/owner";
import { db } from "@/lib/db/client";

export const metadata: Metadata = { title: "Set up" };

export default async function SetupPage({ searchParams }: { searchParams: Promise<{ code?: string | string[] }> }) {
  await connection();
  if (await ownerExists(db)) redirect("/sign-in");
  const { code } = await searchParams;
  return (
    <AuthCard title="Create the owner account" intro="This account owns Bucketshare: its storage connections and every link it issues.">
      <SetupForm setupCode={typeof code === "string" ? code.slice(0, 64) : undefined} />
    </AuthCard>
  );
}
