import type { NextConfig } from "next";

// Packages that hold process-wide state (the embedded database, the pool, the log and
// metrics registries) must resolve to the same module instance that server.ts loaded,
// so Next must not bundle a second copy of them.
const nextConfig: NextConfig = {
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "drizzle-orm", "pino", "prom-client", "ws", "onnxruntime-node"],
  poweredByHeader: false,
  reactStrictMode: true,
  // A second build (a helper checking its pages) must not overwrite the one being tested.
  ...(process.env.KILN_NEXT_DIST_DIR ? { distDir: process.env.KILN_NEXT_DIST_DIR } : {}),
};

export default nextConfig;
