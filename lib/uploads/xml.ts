/** The S3-style XML answers of the upload routes (Uppy's S3 plugin reads these shapes). */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function element(name: string, fields: Record<string, string>): string {
  const inner = Object.entries(fields)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${name}>${inner}</${name}>`;
}

export function xmlResponse(name: string, fields: Record<string, string>, status = 200): Response {
  return new Response(element(name, fields), { status, headers: { "content-type": "application/xml", "cache-control": "no-store" } });
}

export function xmlError(status: number, code: string, message: string): Response {
  return xmlResponse("Error", { Code: code, Message: message }, status);
}
