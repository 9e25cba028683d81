// Preloaded by ts-node (`-r`) so the app runs against the workspace packages' TypeScript sources, as
// tsconfig.base.json's `paths` map them, instead of their built dist/ (which may be stale or absent).
// Only those paths are mapped: no match-all, so `require("cdktf")` still means the npm package.
const path = require("node:path");
const tsconfigPaths = require("tsconfig-paths");

const config = tsconfigPaths.loadConfig(path.join(__dirname, "..", "tsconfig.base.json"));
if (config.resultType !== "success") throw new Error(`tsconfig.base.json: ${config.message}`);
tsconfigPaths.register({ baseUrl: config.absoluteBaseUrl, paths: config.paths, addMatchAll: false });
