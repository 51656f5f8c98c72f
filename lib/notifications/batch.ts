/**
 * Batching notifications: one message per person per round, never one per link. Pure, unit-tested.
 */
export function groupByPerson<T extends { personId: string }>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.personId);
    if (list) list.push(item);
    else out.set(item.personId, [item]);
  }
  return out;
}

/** "3 links expire soon" / "1 link expires soon". */
export function countLinks(n: number): string {
  return `${n} ${n === 1 ? "link" : "links"}`;
}
