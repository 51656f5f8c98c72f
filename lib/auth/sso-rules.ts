import type { Role } from "@/lib/auth/permissions";

/** The pure rules of single sign-on (lib/auth/sso.ts applies them). */

/** The groups claim as a list (a single string counts as one group). */
export function groupsOf(claim: unknown): string[] {
  if (typeof claim === "string") return [claim];
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === "string");
  return [];
}

/**
 * The role a person gets at an SSO sign-in: the Owner stays Owner; without OIDC_ADMIN_GROUPS the role is
 * kept; with it, a person in one of those groups is an Admin and everybody else a Member.
 */
export function roleAfterSsoSignIn(current: Role, groups: string[], adminGroups: string[]): Role {
  if (current === "owner" || adminGroups.length === 0) return current;
  return groups.some((g) => adminGroups.includes(g)) ? "admin" : "member";
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

/**
 * The name an account made by single sign-on gets: the provider's `name`, else `preferred_username`, else the
 * email's local part. A claim that is an email address (many providers' usernames are) is never taken: the
 * name is shown to recipients ("Shared by"), the email is not.
 */
export function ssoDisplayName(profile: { name?: unknown; preferred_username?: unknown }, email: string): string {
  const named = [profile.name, profile.preferred_username].find((v): v is string => typeof v === "string" && v.trim() !== "" && !v.includes("@"));
  return (named?.trim() ?? email.slice(0, email.indexOf("@"))).slice(0, 100);
}
