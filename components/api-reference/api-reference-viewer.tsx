"use client";

import { useEffect, useRef, useState } from "react";
import type { SwaggerPlugin } from "swagger-ui-dist/swagger-ui-es-bundle.js";
import { Alert } from "@/components/ui/alert";
import "swagger-ui-dist/swagger-ui.css";
import "./swagger-ui-theme.css";

/**
 * Renders the OpenAPI document with Swagger UI (swagger-ui-dist, served from this origin like the rest
 * of the app's scripts: no CDN, no fonts host, nothing that calls out). Read-only: no "Try it out",
 * so no token is ever typed into this page. Swagger UI's dark theme (`html.dark-mode`) follows the
 * colour scheme, as the rest of the app does.
 */
export function ApiReferenceViewer({ documentUrl }: { documentUrl: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");

  useEffect(() => followColorScheme(), []);

  useEffect(() => {
    let cancelled = false;
    import("swagger-ui-dist/swagger-ui-es-bundle.js")
      .then(({ default: SwaggerUI }) => {
        if (cancelled || !container.current) return;
        SwaggerUI({
          domNode: container.current,
          url: documentUrl,
          plugins: [namedSchemaToggles],
          // Its badge would load from validator.swagger.io.
          validatorUrl: null,
          // The highlighter's inline colours fall below 4.5:1; plain code blocks are readable in both schemes.
          syntaxHighlight: { activated: false },
          supportedSubmitMethods: [],
          docExpansion: "list",
          onComplete: () => {
            if (!cancelled) setState("ready");
          },
        });
      })
      .catch(() => {
        if (!cancelled) setState("failed");
      });
    return () => {
      cancelled = true;
    };
  }, [documentUrl]);

  return (
    <section aria-label="Operations" className="api-reference">
      <div role="status" aria-live="polite" className="text-sm text-muted">
        {state === "loading" ? "Loading the API reference…" : null}
      </div>
      {state === "failed" ? (
        <Alert tone="error" role="alert">
          The API reference could not be loaded. Reload the page to try again.
        </Alert>
      ) : null}
      <div ref={container} />
    </section>
  );
}

/** Swagger UI's dark theme is switched by a class on <html>: set it while this page is open, following the scheme. */
function followColorScheme(): () => void {
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const root = document.documentElement;
  const apply = () => root.classList.toggle("dark-mode", dark.matches);
  apply();
  dark.addEventListener("change", apply);
  return () => {
    dark.removeEventListener("change", apply);
    root.classList.remove("dark-mode");
  };
}

/**
 * Swagger UI's JSON Schema toggle is a button holding the schema's title and a chevron; a schema without
 * a title (an inline response body) leaves it without an accessible name. Same button, plus hidden text.
 */
const namedSchemaToggles: SwaggerPlugin = (system) => ({
  components: {
    // biome-ignore lint/correctness/noComponentHookFactories: Swagger UI plugins hand it components made in the plugin factory; it renders them with its own React
    JSONSchema202012Accordion: ({
      expanded = false,
      children,
      onChange,
    }: {
      expanded?: boolean;
      children?: unknown;
      onChange: (event: unknown, expanded: boolean) => void;
    }) => {
      const h = system.React.createElement;
      const chevron = system.getComponent("JSONSchema202012ChevronRightIcon");
      return h(
        "button",
        { type: "button", className: "json-schema-2020-12-accordion", "aria-expanded": expanded, onClick: (event: unknown) => onChange(event, !expanded) },
        h("div", { className: "json-schema-2020-12-accordion__children" }, children),
        h("span", { className: "sr-only" }, " schema"),
        h("span", { className: `json-schema-2020-12-accordion__icon json-schema-2020-12-accordion__icon--${expanded ? "expanded" : "collapsed"}` }, h(chevron)),
      );
    },
  },
});
