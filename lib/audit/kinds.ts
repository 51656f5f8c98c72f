/**
 * Every kind of audit-log row and what the Audit log page calls it. Safe for client components
 * (labels only). Invite and member kinds are written by Settings → Members.
 */
export const KINDS = [
  { kind: "sign_in", label: "Signed in" },
  { kind: "sign_in_failed", label: "Failed sign-in" },
  { kind: "invite.sent", label: "Invite sent" },
  { kind: "invite.accepted", label: "Invite accepted" },
  { kind: "invite.revoked", label: "Invite revoked" },
  { kind: "member.removed", label: "Member removed" },
  { kind: "member.role_changed", label: "Role changed" },
  { kind: "member.grants_changed", label: "Grants changed" },
  { kind: "owner.transferred", label: "Owner role handed over" },
  { kind: "connection.added", label: "Connection added" },
  { kind: "connection.changed", label: "Connection changed" },
  { kind: "connection.deleted", label: "Connection deleted" },
  { kind: "object.uploaded", label: "File uploaded" },
  { kind: "folder.created", label: "Folder created" },
  { kind: "link.issued", label: "Link issued" },
  { kind: "link.revoked", label: "Link revoked" },
  { kind: "link.changed", label: "Link changed" },
  { kind: "link.deleted", label: "Link deleted" },
  { kind: "token.created", label: "API token created" },
  { kind: "token.revoked", label: "API token revoked" },
  { kind: "settings.changed", label: "Settings changed" },
] as const;

export type AuditKind = (typeof KINDS)[number]["kind"];

export const AUDIT_KINDS = KINDS.map((k) => k.kind) as AuditKind[];

const LABELS = new Map<string, string>(KINDS.map((k) => [k.kind, k.label]));

/** The label of a kind; an unknown kind (written by a newer version) shows as itself. */
export function kindLabel(kind: string): string {
  return LABELS.get(kind) ?? kind;
}

export function isAuditKind(kind: string): kind is AuditKind {
  return LABELS.has(kind);
}
