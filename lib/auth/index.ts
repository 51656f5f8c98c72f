import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { authConfig } from "@/lib/auth/config";
import { decoyHash, verifyPassword } from "@/lib/auth/password";
import { createSession } from "@/lib/auth/session-store";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { isHttpsRequest } from "@/lib/security/client-address";
import { signInSchema } from "@/lib/validation/auth";

// Only signIn/signOut are used: sessions are read from the cookie (lib/auth/session-cookie.ts) and
// checked against the sessions table (lib/auth/session-store.ts) by lib/auth/session.ts.
export const { signIn, signOut } = NextAuth(async () => ({
  ...authConfig(getRuntimeSecrets().authSecret, isHttpsRequest(await headers())),
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials) {
        const parsed = signInSchema.pick({ email: true, password: true }).safeParse(credentials);
        if (!parsed.success) throw new CredentialsSignin();
        const user = await db.user.findUnique({ where: { email: parsed.data.email } });
        const valid = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await decoyHash()));
        // A removed person is refused like a wrong password (the password check still runs: no timing difference).
        if (!user || !valid || user.removedAt) throw new CredentialsSignin();
        return { id: user.id, name: user.name, email: user.email };
      },
    }),
  ],
  callbacks: {
    // Signing in starts a server-side session; its random id (and absolute end) travel in the cookie.
    async jwt({ token, user, trigger }) {
      if (trigger !== "signIn" || !user?.id) return token;
      const userAgent = (await headers()).get("user-agent");
      return { ...token, ...(await createSession(user.id, { userAgent })) };
    },
  },
}));

export { CredentialsSignin };
