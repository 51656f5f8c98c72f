import { createPrivateKey, createSign, generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/**
 * A real OpenID provider (the `oidc-provider` package) on a free loopback port, over plain http, for the
 * single sign-on tests. People sign in on its own development login page ("Enter any login": the email
 * of one of `accounts`, any password); consent is skipped for the test client. The ID token carries
 * email, email_verified, name and groups, read from `accounts` at each sign-in (so a test can change
 * someone's groups between two sign-ins).
 *
 * `tamper` makes the provider misbehave the ways the app must refuse, with real signatures: a discovery
 * document naming another issuer, an ID token for another issuer or another client (audience) or with
 * another nonce (each re-signed with the provider's own key), or a callback whose state was changed.
 */

export type OidcAccount = { email: string; emailVerified: boolean; name: string; groups: string[] };

export type Tamper = "none" | "discovery-issuer" | "id-token-issuer" | "id-token-audience" | "id-token-nonce" | "state";

export type TestOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, OidcAccount>;
  addAccount(account: OidcAccount): void;
  /** Registers the app's callback (<app>/api/auth/callback/oidc) as the client's only redirect URI. */
  allowRedirect(uri: string): void;
  tamper: { mode: Tamper };
  /** What the provider refused (grant, authorization and server errors), for a failing test's message. */
  errors: string[];
  /** The ID tokens the provider issued (after any tampering), newest last. */
  issuedIdTokens: string[];
  close(): Promise<void>;
};

const b64 = (value: Buffer | string) => Buffer.from(value).toString("base64url");

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split(".");
  return { header: JSON.parse(Buffer.from(header!, "base64url").toString()), payload: JSON.parse(Buffer.from(payload!, "base64url").toString()) };
}

export async function startOidcProvider(options: { clientId?: string } = {}): Promise<TestOidcProvider> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = b64(randomBytes(8));
  const jwk = { ...privateKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" };
  const signingKey = createPrivateKey({ key: jwk, format: "jwk" });
  const resign = (token: string, change: Record<string, unknown>) => {
    const { header, payload } = decodeJwt(token);
    const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify({ ...payload, ...change }))}`;
    return `${input}.${b64(createSign("RSA-SHA256").update(input).sign(signingKey))}`;
  };

  const accounts = new Map<string, OidcAccount>();
  const tamper = { mode: "none" as Tamper };
  const issuedIdTokens: string[] = [];
  const errors: string[] = [];
  const clientId = options.clientId ?? "bucketshare";
  const clientSecret = b64(randomBytes(24));
  let handler: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | null = null;

  const server = http.createServer((req, res) => {
    if (!handler) {
      res.statusCode = 503;
      res.end("no client registered yet");
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function build(redirectUri: string): Provider {
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          response_types: ["code"],
          grant_types: ["authorization_code"],
          token_endpoint_auth_method: "client_secret_basic",
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: [b64(randomBytes(32))] },
      pkce: { required: () => true },
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
      // The ID token carries the claims themselves (the app reads them from it, not from userinfo).
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: true } },
      async findAccount(_ctx: unknown, id: string) {
        const account = accounts.get(id);
        if (!account) return undefined;
        return {
          accountId: id,
          async claims() {
            return { sub: id, email: account.email, email_verified: account.emailVerified, name: account.name, groups: account.groups };
          },
        };
      },
      // The test client is first-party: no consent screen.
      async loadExistingGrant(ctx: {
        oidc: {
          client: { clientId: string };
          session: { accountId: string; grantIdFor(id: string): string | undefined };
          result?: { consent?: { grantId?: string } };
          provider: { Grant: { new (init: Record<string, string>): Grant; find(id: string): Promise<Grant> } };
        };
      }) {
        const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
        if (grantId) return ctx.oidc.provider.Grant.find(grantId);
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
        grant.addOIDCScope("openid email profile groups");
        await grant.save();
        return grant;
      },
    });
    for (const event of ["grant.error", "server_error", "authorization.error"]) {
      provider.on(event, (_ctx: unknown, error: unknown) => errors.push(`${event}: ${String(error)}`));
    }
    provider.use(async (ctx, next) => {
      await next();
      const mode = tamper.mode;
      if (ctx.path === "/.well-known/openid-configuration" && mode === "discovery-issuer" && ctx.body && typeof ctx.body === "object") {
        ctx.body = { ...(ctx.body as object), issuer: `${issuer}/another-issuer` };
      }
      if (ctx.path === "/token" && ctx.body && typeof ctx.body === "object" && "id_token" in ctx.body) {
        const body = ctx.body as { id_token: string };
        if (mode === "id-token-issuer") body.id_token = resign(body.id_token, { iss: "http://127.0.0.1:1/another-issuer" });
        if (mode === "id-token-audience") body.id_token = resign(body.id_token, { aud: "another-client" });
        if (mode === "id-token-nonce") body.id_token = resign(body.id_token, { nonce: b64(randomBytes(16)) });
        issuedIdTokens.push(body.id_token);
        ctx.body = { ...body };
      }
      if (mode === "state" && ctx.status >= 300 && ctx.status < 400) {
        const location = ctx.response.get("location");
        if (location?.startsWith(redirectUri)) {
          const url = new URL(location);
          if (url.searchParams.has("state")) {
            url.searchParams.set("state", b64(randomBytes(32)));
            ctx.response.set("location", url.toString());
          }
        }
      }
    });
    return provider;
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    addAccount(account) {
      accounts.set(account.email, account);
    },
    allowRedirect(uri) {
      handler = build(uri).callback();
    },
    tamper,
    errors,
    issuedIdTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Grant = { addOIDCScope(scope: string): void; save(): Promise<string> };
