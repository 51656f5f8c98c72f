/**
 * The part of swagger-ui-dist's self-contained bundle (its own React 18 inside) that the API reference uses.
 * Elements a plugin returns must be made with `system.React`, never with the app's React.
 */
declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  type SwaggerElement = unknown;
  export type SwaggerSystem = {
    React: { createElement(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): SwaggerElement };
    getComponent(name: string): unknown;
  };
  /** One of Swagger UI's class components (BaseLayout): `render()` returns its element tree. */
  export type SwaggerClassComponent = new (...args: never[]) => { render(): SwaggerElement };
  export type SwaggerPlugin = (system: SwaggerSystem) => {
    components?: Record<string, (props: never) => SwaggerElement>;
    wrapComponents?: Record<string, (Original: SwaggerClassComponent, system: SwaggerSystem) => unknown>;
  };
  export type SwaggerOptions = {
    domNode: HTMLElement;
    url: string;
    plugins?: SwaggerPlugin[];
    validatorUrl?: string | null;
    syntaxHighlight?: { activated: boolean };
    supportedSubmitMethods?: string[];
    docExpansion?: "list" | "full" | "none";
    defaultModelsExpandDepth?: number;
    onComplete?: () => void;
  };
  const SwaggerUI: (options: SwaggerOptions) => unknown;
  export default SwaggerUI;
}
