// Jest runs TypeScript through SWC (to CommonJS). ESM-only dependencies such as @octokit/*
// are loaded by Jest's native require(esm) support, which needs Node >= 24.9 and
// --experimental-vm-modules (set by the npm test scripts). See "Tooling decisions" in docs/development.md.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2023", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }],
  },
  moduleFileExtensions: ["ts", "js", "mjs", "cjs", "json"],
  globalSetup: "<rootDir>/test/setup/global-setup.ts",
  setupFiles: ["<rootDir>/test/setup/loopback-only.ts"],
  testTimeout: 30000,
};
