/** The folder a selection's paths are relative to: the longest common folder prefix of its keys (pure). */
export function selectionRoot(keys: string[]): string {
  if (keys.length === 0) return "";
  let root = keys[0]!.slice(0, keys[0]!.lastIndexOf("/") + 1);
  for (const key of keys) {
    while (root && !key.startsWith(root)) root = root.slice(0, root.slice(0, -1).lastIndexOf("/") + 1);
  }
  return root;
}
