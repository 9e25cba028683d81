// `pnpm openapi`: write packages/shared/openapi.json from src/api (the test in test/openapi.test.ts fails
// while the checked-in file differs). `--check` only reports whether it is stale.
import * as fs from "fs";
import * as path from "path";
import { OPENAPI_DOCUMENT_FILE, serializeOpenApiDocument } from "../src/api/openapi";

const file = path.resolve(__dirname, "..", OPENAPI_DOCUMENT_FILE);
const text = serializeOpenApiDocument();
const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
if (process.argv.includes("--check")) {
  if (current !== text) {
    console.error(`${file} is stale: run pnpm openapi`);
    process.exit(1);
  }
} else if (current !== text) {
  fs.writeFileSync(file, text);
  console.log(`wrote ${file}`);
} else {
  console.log(`${file} unchanged`);
}
