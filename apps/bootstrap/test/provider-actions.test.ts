import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { buildApp } from "@serverless-spacy/environments";
import { PROVIDER_ACTIONS, actionsOf } from "../src/provider-actions";

type Synth = Record<string, any>;
const outdir = path.resolve(__dirname, "../../../cdktf.out");
const stacks: Synth[] = (buildApp({ env: {}, outdir }).node.children as TerraformStack[]).map((s) =>
  JSON.parse(Testing.synth(s)),
);

describe("the actions the CI roles get come from the types the stacks use", () => {
  test("every resource and data source type of every environment stack has its actions listed", () => {
    const used = new Set(stacks.flatMap((s) => [...Object.keys(s.resource ?? {}), ...Object.keys(s.data ?? {})]));
    expect([...used].filter((type) => !(type in PROVIDER_ACTIONS)).sort()).toEqual([]);
  });

  test("every action is named (no wildcard) and belongs to a service", () => {
    for (const kind of ["read", "write"] as const) {
      for (const action of actionsOf(kind)) {
        expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      }
    }
  });

  test("reads are reads: no read list holds a call that changes something", () => {
    expect(
      actionsOf("read").filter((a) => /:(Put|Create|Delete|Update|Modify|Tag|Untag|Invoke|Publish)/.test(a)),
    ).toEqual([]);
  });
});
