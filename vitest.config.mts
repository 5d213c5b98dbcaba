import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Simulators listen on loopback ports; files run in parallel processes on 2 cores.
    pool: "forks",
    reporters: ["default"],
    passWithNoTests: false,
  },
});
