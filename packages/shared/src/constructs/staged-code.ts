import * as fs from "fs";
import * as path from "path";

/** Where `pnpm build:code` stages a code folder with CPython 3.12 bytecode: `<src>/../build/python3.12`. */
export function stagedCodePath(sourceDir: string): string {
  return path.join(sourceDir, "..", "build", "python3.12");
}

/** Reported (as info) when a code folder is zipped without bytecode. */
export const NO_BYTECODE_NOTE =
  "code zipped without CPython 3.12 bytecode (each cold start compiles it): run `pnpm build:code` before synth";

/** Relative paths of the .py files under dir, sorted; bytecode caches skipped. */
function pythonFiles(dir: string, relative = ""): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
    const rel = relative === "" ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== "__pycache__") {
      found.push(...pythonFiles(dir, rel));
    } else if (entry.isFile() && entry.name.endsWith(".py")) {
      found.push(rel);
    }
  }
  return found.sort();
}

/**
 * The folder to zip as a Lambda's code: the staged copy with bytecode when it is current, else the sources.
 *
 * Lambda's /var/task is read-only, so code without `.pyc` is compiled from source on every cold start.
 * Synth has no CPython 3.12 to compile with, so `pnpm build:code` stages the folder beforehand; the copy
 * is used only when its `.py` files are byte-equal to `sourceDir`'s and each has its `cpython-312.pyc`
 * (an edit after staging falls back to the sources rather than shipping stale bytecode). The asset hash
 * stays the sources' hash either way: bytecode is derived from them.
 */
export function stagedCodeDir(sourceDir: string): { dir: string; bytecode: boolean } {
  const staged = stagedCodePath(sourceDir);
  if (!fs.existsSync(staged)) {
    return { dir: sourceDir, bytecode: false };
  }
  const sources = pythonFiles(sourceDir);
  const copies = pythonFiles(staged);
  const current =
    sources.length === copies.length &&
    sources.every(
      (rel, i) =>
        copies[i] === rel &&
        fs.readFileSync(path.join(sourceDir, rel)).equals(fs.readFileSync(path.join(staged, rel))) &&
        fs.existsSync(
          path.join(staged, path.dirname(rel), "__pycache__", `${path.basename(rel, ".py")}.cpython-312.pyc`),
        ),
    );
  return current ? { dir: staged, bytecode: true } : { dir: sourceDir, bytecode: false };
}
