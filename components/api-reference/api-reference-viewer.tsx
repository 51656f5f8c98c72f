"use client";

import { useEffect, useRef, useState } from "react";
import type { SwaggerPlugin, SwaggerSystem } from "swagger-ui-dist/swagger-ui-es-bundle.js";
import { Alert } from "@/components/ui/alert";
// Swagger UI's own stylesheet is imported by the theme, into a cascade layer below the theme's rules.
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
          plugins: [namedSchemaToggles, oneMain],
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

/**
 * Swagger UI's layout wraps the operations in a <main>; the app shell's <main> already holds the whole page, and a
 * page has one. Swagger UI's own BaseLayout renders the page as ever, with that element as a <div> (same props).
 * The BaseLayout a wrapper receives is Swagger UI's error boundary around the real one (class names do not survive
 * minifying, so it is found by shape): the real one, its only child, is drawn by a subclass that swaps the element.
 */
const oneMain: SwaggerPlugin = () => ({
  wrapComponents: {
    BaseLayout: (Original, system) =>
      class extends Original {
        render() {
          const out = super.render();
          if (isElement(out) && typeof out.type !== "string" && isElement(out.props.children) && isClassComponent(out.props.children.type)) {
            const layout = out.props.children;
            return cloneWithChild(out, system.React.createElement(layoutWithoutMain(layout.type as ClassComponent, system), layout.props), system);
          }
          return withoutMain(out, system);
        }
      },
  },
});

type Element = { type: unknown; key: string | null; ref?: unknown; props: { children?: unknown } & Record<string, unknown> };
type ClassComponent = new (...args: never[]) => { render(): unknown };

function isElement(node: unknown): node is Element {
  return typeof node === "object" && node !== null && "$$typeof" in node && "props" in node;
}

function isClassComponent(type: unknown): type is ClassComponent {
  return typeof type === "function" && typeof type.prototype?.render === "function";
}

// One subclass per layout class: a new one at each render would make React mount the page afresh.
const layoutsWithoutMain = new WeakMap<ClassComponent, ClassComponent>();

function layoutWithoutMain(Layout: ClassComponent, system: SwaggerSystem): ClassComponent {
  let subclass = layoutsWithoutMain.get(Layout);
  if (!subclass) {
    subclass = class extends Layout {
      render() {
        return withoutMain(super.render(), system);
      }
    };
    layoutsWithoutMain.set(Layout, subclass);
  }
  return subclass;
}

function cloneWithChild(element: Element, children: unknown, system: SwaggerSystem, type: unknown = element.type): unknown {
  const { children: _, ...props } = element.props;
  const config = { ...props, ...(element.key === null ? {} : { key: element.key }), ...(element.ref ? { ref: element.ref } : {}) };
  if (children === undefined) return system.React.createElement(type, config);
  return Array.isArray(children) ? system.React.createElement(type, config, ...children) : system.React.createElement(type, config, children);
}

/** The elements Swagger UI's layout draws, with its <main> made a <div>; untouched branches stay as they are. */
function withoutMain(node: unknown, system: SwaggerSystem): unknown {
  if (Array.isArray(node)) {
    const mapped = node.map((child) => withoutMain(child, system));
    return mapped.some((child, index) => child !== node[index]) ? mapped : node;
  }
  if (!isElement(node)) return node;
  const children = withoutMain(node.props.children, system);
  if (node.type !== "main" && children === node.props.children) return node;
  return cloneWithChild(node, children, system, node.type === "main" ? "div" : node.type);
}
