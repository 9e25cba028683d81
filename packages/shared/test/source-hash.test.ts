import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sourceHash } from "../src/constructs/source-hash";

describe("sourceHash", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "source-hash-"));
    fs.writeFileSync(path.join(dir, "model_sync.py"), "def handler(event, context):\n    return {}\n");
    fs.mkdirSync(path.join(dir, "pkg"));
    fs.writeFileSync(path.join(dir, "pkg", "util.py"), "X = 1\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("ignores bytecode caches, follows content and file names", () => {
    const clean = sourceHash(dir);
    expect(clean).toMatch(/^[0-9A-F]{32}$/);
    fs.mkdirSync(path.join(dir, "__pycache__"));
    fs.writeFileSync(path.join(dir, "__pycache__", "model_sync.cpython-312.pyc"), "bytecode");
    fs.writeFileSync(path.join(dir, "pkg", "stray.pyc"), "bytecode");
    expect(sourceHash(dir)).toBe(clean);

    fs.writeFileSync(path.join(dir, "pkg", "util.py"), "X = 2\n");
    const edited = sourceHash(dir);
    expect(edited).not.toBe(clean);
    fs.renameSync(path.join(dir, "pkg", "util.py"), path.join(dir, "pkg", "helpers.py"));
    expect(sourceHash(dir)).not.toBe(edited);
  });
});
