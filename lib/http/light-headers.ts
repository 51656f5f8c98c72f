import type { IncomingHttpHeaders } from "node:http";

/**
 * A request's headers as a route reads them through Next: node's req.headers (the first of a repeated
 * Authorization, User-Agent, Host or Referer, other repeats joined), read by name without building a web Headers
 * (which validates every header and cost more than a download's own checks, `npm run bench:redirect`). Anything else
 * is answered by a real Headers, made then. lib/boot/server.ts removed any client copy of the peer header and put the
 * socket's address in req.headers.
 */
export class LightHeaders implements Headers {
  #full: Headers | undefined;
  readonly #node: IncomingHttpHeaders;
  constructor(node: IncomingHttpHeaders) {
    this.#node = node;
  }

  get(name: string): string | null {
    if (this.#full) return this.#full.get(name);
    const value = this.#node[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  /** The real Headers every other use gets (and, once made, get() too). */
  #made(): Headers {
    if (!this.#full) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(this.#node)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      this.#full = headers;
    }
    return this.#full;
  }
  append(name: string, value: string): void {
    this.#made().append(name, value);
  }
  delete(name: string): void {
    this.#made().delete(name);
  }
  set(name: string, value: string): void {
    this.#made().set(name, value);
  }
  getSetCookie(): string[] {
    return this.#made().getSetCookie();
  }
  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this.#made()) callback.call(thisArg, value, key, this);
  }
  entries(): HeadersIterator<[string, string]> {
    return this.#made().entries();
  }
  keys(): HeadersIterator<string> {
    return this.#made().keys();
  }
  values(): HeadersIterator<string> {
    return this.#made().values();
  }
  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.#made()[Symbol.iterator]();
  }
}
