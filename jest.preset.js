// Type errors are caught by `pnpm typecheck` (tsc); jest only transpiles, which keeps the suite fast.
const path = require("node:path");

// Inside the monorepo the packages are used from their TypeScript sources (as tsconfig.base.json's `paths`
// say), so tests never run against a stale dist/; the built packages are exercised by `pnpm test:consumer`.
const source = (dir) => path.join(__dirname, dir, "src");
const MODULES = ["network", "model-store", "model-sync", "spacy-function", "ner-batch-job"].join("|");
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  moduleNameMapper: {
    [`^@serverless-spacy/(${MODULES})$`]: `${source("modules/$1")}/index.ts`,
    "^@serverless-spacy/spacy-function/internal$": `${source("modules/spacy-function")}/internal/index.ts`,
    "^@serverless-spacy/shared$": `${source("packages/shared")}/index.ts`,
    "^@serverless-spacy/shared/(client|internal)$": `${source("packages/shared")}/$1/index.ts`,
  },
};
