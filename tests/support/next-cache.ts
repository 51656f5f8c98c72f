/**
 * `next/cache` for integration tests (the integration project aliases it here): revalidation needs
 * a running Next server; outside one there is nothing to refresh.
 */
export function revalidatePath(_path: string, _type?: "page" | "layout"): void {}

export function revalidateTag(_tag: string): void {}
