import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stagedCodeDir, stagedCodePath } from "../src/constructs/staged-code";

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "staged-code-"));
  const src = path.join(root, "src");
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    fs.writeFileSync(path.join(src, rel), text);
  }
  return src;
}

function stage(src: string, files: Record<string, string>, pycs: string[]): string {
  const staged = stagedCodePath(src);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(staged, rel)), { recursive: true });
    fs.writeFileSync(path.join(staged, rel), text);
  }
  for (const rel of pycs) {
    const pyc = path.join(staged, path.dirname(rel), "__pycache__", `${path.basename(rel, ".py")}.cpython-312.pyc`);
    fs.mkdirSync(path.dirname(pyc), { recursive: true });
    fs.writeFileSync(pyc, "bytecode");
  }
  return staged;
}

describe("stagedCodeDir", () => {
  const files = { "a.py": "x = 1\n", "pkg/b.py": "y = 2\n" };

  test("uses the staged copy when its sources equal the folder's and each has 3.12 bytecode", () => {
    const src = tree(files);
    const staged = stage(src, files, ["a.py", "pkg/b.py"]);
    expect(stagedCodeDir(src)).toEqual({ dir: staged, bytecode: true });
  });

  test("falls back to the sources without a staged copy", () => {
    const src = tree(files);
    expect(stagedCodeDir(src)).toEqual({ dir: src, bytecode: false });
  });

  test("falls back when a source was edited, added or lost its bytecode after staging", () => {
    const edited = tree(files);
    stage(edited, files, ["a.py", "pkg/b.py"]);
    fs.writeFileSync(path.join(edited, "a.py"), "x = 3\n");
    expect(stagedCodeDir(edited).bytecode).toBe(false);

    const added = tree(files);
    stage(added, files, ["a.py", "pkg/b.py"]);
    fs.writeFileSync(path.join(added, "c.py"), "z = 1\n");
    expect(stagedCodeDir(added).bytecode).toBe(false);

    const noPyc = tree(files);
    stage(noPyc, files, ["a.py"]);
    expect(stagedCodeDir(noPyc)).toEqual({ dir: noPyc, bytecode: false });
  });

  test("ignores the sources' own __pycache__ (another Python's caches)", () => {
    const src = tree({ ...files, "__pycache__/a.cpython-311.py": "not a module" });
    const staged = stage(src, files, ["a.py", "pkg/b.py"]);
    expect(stagedCodeDir(src).dir).toBe(staged);
  });
});
