/** "Issued by" as the history, the link page and the CSV show it: the name, marked when the person was removed. */
export function issuerLabel(issuer: { name: string; removed: boolean } | null): string {
  if (!issuer) return "—";
  return issuer.removed ? `${issuer.name} (removed)` : issuer.name;
}
