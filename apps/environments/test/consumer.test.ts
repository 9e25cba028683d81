// The packages as another team imports them: through their entry points. The stack such a team writes is
// examples/src/full-stack.ts (synthesized by examples/test); `pnpm test:consumer` runs that file from the tarballs.
describe("the workspace packages", () => {
  test("resolve to their sources here and ship the built dist/ of those sources", () => {
    // Inside the workspace a package resolves to its src/index.ts (tsconfig paths, jest moduleNameMapper);
    // what ships is that file compiled to dist/index.js, which `pnpm test:consumer` installs and runs.
    for (const name of ["network", "model-store", "spacy-function", "shared"]) {
      const entry = require.resolve(`@serverless-spacy/${name}`);
      const manifest = require(`@serverless-spacy/${name}/package.json`);
      expect(entry.endsWith("/src/index.ts")).toBe(true);
      expect([manifest.main, manifest.types]).toEqual(["dist/index.js", "dist/index.d.ts"]);
      expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    }
  });
});
