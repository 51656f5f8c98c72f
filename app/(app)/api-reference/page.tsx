import type { Metadata } from "next";
import Link from "next/link";
import { ApiReferenceViewer } from "@/components/api-reference/api-reference-viewer";
import { buttonClass } from "@/components/ui/button";
import { API_BASE_PATH } from "@/lib/api/endpoint";
import { requireUser } from "@/lib/auth/session";
import { managedLinkBase } from "@/lib/links/issue";

export const metadata: Metadata = { title: "API reference" };

const DOCUMENT_PATH = `${API_BASE_PATH}/openapi.json`;

export default async function ApiReferencePage() {
  await requireUser();
  const baseUrl = `${await managedLinkBase()}${API_BASE_PATH}`;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold">API reference</h1>
          <p className="text-sm text-muted">
            What apps and scripts can do with a personal access token: browse storage, create, read, change and revoke links.
          </p>
        </div>
        <a href={DOCUMENT_PATH} className={buttonClass("secondary")} download="openapi.json">
          Download openapi.json
        </a>
      </div>
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium">Base URL</dt>
        <dd>
          <code className="break-all font-mono">{baseUrl}</code>
        </dd>
        <dt className="font-medium">Authentication</dt>
        <dd>
          Send <code className="font-mono">Authorization: Bearer &lt;token&gt;</code> with a token from{" "}
          <Link href="/settings/api-tokens" className="text-sky-700 underline hover:no-underline dark:text-sky-400">
            Settings → API tokens
          </Link>
          .
        </dd>
      </dl>
      <ApiReferenceViewer documentUrl={DOCUMENT_PATH} />
    </div>
  );
}
