import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every module specifier a file imports or re-exports (static imports, `export … from`, require). */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const found = [
    ...text.matchAll(/(?:import|export)\s[^;]*?from\s+"([^"]+)"|require\("([^"]+)"\)|import\("([^"]+)"\)/g),
  ];
  return found.map((m) => m[1] ?? m[2] ?? m[3]);
}

describe("import boundaries", () => {
  test("nothing in packages/shared imports a module (imports run apps → modules → packages)", () => {
    const offenders = [...sources(path.join(root, "src")), ...sources(path.join(root, "test"))].flatMap((file) =>
      specifiers(file)
        .filter(
          (s) =>
            /^@serverless-spacy\/(network|model-store|model-sync|spacy-function)\b/.test(s) || s.includes("/modules/"),
        )
        .map((s) => `${path.relative(root, file)} imports ${s}`),
    );
    expect(offenders).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    const declared = Object.keys({
      ...manifest.dependencies,
      ...manifest.devDependencies,
      ...manifest.peerDependencies,
    });
    expect(declared.filter((d) => d.startsWith("@serverless-spacy/"))).toEqual([]);
  });

  // The client and the API types are what a caller installs without cdktf: they, and everything they
  // import relatively, must stay free of cdktf, constructs and the provider.
  test("the client and the API types import nothing of cdktf, constructs or the provider", () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) {
        return;
      }
      seen.add(file);
      for (const s of specifiers(file)) {
        if (s.startsWith(".")) {
          const target = path.resolve(path.dirname(file), s);
          visit(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, "index.ts"));
        } else {
          expect(`${path.relative(root, file)} imports ${s}`).not.toMatch(/ imports (cdktf|constructs|@cdktf\/)/);
        }
      }
    };
    [
      ...sources(path.join(root, "src/client")),
      ...sources(path.join(root, "src/api")),
      ...sources(path.join(root, "src/constants")),
    ].forEach(visit);
    expect(seen.size).toBeGreaterThanOrEqual(8);
  });
});
