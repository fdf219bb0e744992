import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "worklogs/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Only src/config.ts reads the environment." }],
    },
  },
  {
    // The core is pure: it never reaches outward to the ports, adapters, pipeline, commands,
    // composition root or config. Those import from the core, never the reverse.
    files: ["src/core/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "**/ports",
                "**/adapters/*",
                "**/pipeline/*",
                "**/commands/*",
                "**/compose",
                "**/compose-github",
                "**/config",
                "**/cli",
              ],
              message: "src/core is pure: ports, adapters, pipeline, commands and the composition root import from it, never the reverse.",
            },
          ],
        },
      ],
    },
  },
  { files: ["src/config.ts", "test/**", "bench/**", "scripts/**", "jest.config.js"], rules: { "no-restricted-properties": "off" } },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { module: "writable", require: "readonly", __dirname: "readonly", process: "readonly", console: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
