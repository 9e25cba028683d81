import * as fs from "fs";
import * as path from "path";
import { KEEP_VERSIONS_LIMITS, MODEL_NAME_PATTERN, MODEL_VERSION_PATTERN } from "@serverless-spacy/shared/internal";

// The sync handler checks its event with its own copy of the shared model rules (Python, sync_event.py): the
// synth and the config report must refuse exactly what the handler would, so the two copies must stay equal.
const syncEvent = fs.readFileSync(path.resolve(__dirname, "../runtime/src/sync_event.py"), "utf8");
const pythonPattern = (name: string) => new RegExp(`^${name} = re\\.compile\\(r"(.+)"\\)$`, "m").exec(syncEvent)?.[1];
const tsPattern = (re: RegExp) => re.source.replace(/^\^/, "").replace(/\$$/, "");

describe("model rules", () => {
  test("match the sync handler's (sync_event.py) exactly", () => {
    expect(tsPattern(MODEL_NAME_PATTERN)).toBe(pythonPattern("MODEL_NAME"));
    expect(tsPattern(MODEL_VERSION_PATTERN)).toBe(pythonPattern("VERSION")?.replace(/\(\?:/g, "("));
    expect(KEEP_VERSIONS_LIMITS.max).toBe(Number(/^MAX_KEEP_VERSIONS = (\d+)$/m.exec(syncEvent)?.[1]));
  });
});
