import { AppShell } from "@/components/shell/app-shell";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";

export default async function SignedInLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <AppShell user={{ name: user.name, email: user.email }} audit={can(user, "audit.view")}>
      {children}
    </AppShell>
  );
}
