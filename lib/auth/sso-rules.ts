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
