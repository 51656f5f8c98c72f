import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { ownerExists } from "@/lib/auth/owner";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Set up" };

export default async function SetupPage() {
  await connection();
  if (await ownerExists(db)) redirect("/sign-in");
  return (
    <AuthCard title="Create the owner account" intro="This account owns Bucketshare: its storage connections and every link it issues.">
      <SetupForm />
    </AuthCard>
  );
}
