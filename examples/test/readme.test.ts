import * as fs from "fs";
import * as path from "path";

// The README's "Consuming a module" code is the full-stack example, so the code a new user copies is code
// that type-checks and synthesizes here.
test("the README's consumer example is examples/src/full-stack.ts verbatim", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Consuming a module"));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block).toBe(fs.readFileSync(path.resolve(__dirname, "../src/full-stack.ts"), "utf8"));
});
