import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { ownerExists } from "@/lib/auth/owner";
import { getSessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { safeCallbackPath } from "@/lib/validation/auth";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  await connection();
  if (!(await ownerExists(db))) redirect("/setup");
  const { callbackUrl } = await searchParams;
  const next = typeof callbackUrl === "string" ? safeCallbackPath(callbackUrl) : undefined;
  if (await getSessionUser()) redirect(next ?? "/buckets");
  return (
    <AuthCard title="Sign in" intro="Sign in to browse your buckets and share links.">
      <SignInForm callbackUrl={next} />
    </AuthCard>
  );
}
