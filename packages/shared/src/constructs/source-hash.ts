import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

// Bytecode caches appear wherever the handler's tests ran; they differ per machine and Python version.
const IGNORED = new Set(["__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"]);

/**
 * A content hash of a source folder that is the same on every machine: files in sorted order, each by its
 * relative path and bytes, bytecode caches skipped. cdktf's default asset hash follows readdir order and
 * includes __pycache__, so two machines could disagree and Terraform would update the function for nothing.
 */
export function sourceHash(dir: string): string {
  const hash = createHash("sha256");
  const visit = (relative: string) => {
    const absolute = path.join(dir, relative);
    const stat = fs.statSync(absolute);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(absolute).sort()) {
        if (!IGNORED.has(entry) && !entry.endsWith(".pyc")) {
          visit(relative === "" ? entry : `${relative}/${entry}`);
        }
      }
    } else if (stat.isFile()) {
      hash.update(relative).update("\0").update(fs.readFileSync(absolute)).update("\0");
    }
  };
  visit("");
  return hash.digest("hex").slice(0, 32).toUpperCase();
}
