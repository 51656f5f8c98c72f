// oidc-provider ships no types; the tests use this much of it (tests/support/oidc.ts).
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  type KoaContext = {
    path: string;
    method: string;
    status: number;
    body: unknown;
    response: { get(name: string): string; set(name: string, value: string): void };
  };

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
    on(event: string, listener: (...args: unknown[]) => void): void;
  }
}
