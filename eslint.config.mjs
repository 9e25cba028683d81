// ESLint for every TypeScript and JavaScript file (`pnpm lint`); formatting is Prettier's job (.prettierrc.json).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: ["**/node_modules/", "**/dist/", "**/cdktf.out/", "**/.turbo/", "**/.venv*/", "**/build/", "**/*.d.ts"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring, callback signatures).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
      // Only `import type` for types that are never used as values keeps the emitted require()s honest.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/test/**/*.ts"],
    languageOptions: { globals: globals.jest },
    rules: {
      // Tests read synthesized Terraform JSON, which has no types, and require() modules after jest mocks.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-require-imports": "off",
    },
  },
);
