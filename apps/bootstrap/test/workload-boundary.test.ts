import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { buildApp } from "@serverless-spacy/environments";
import { WORKLOAD_BOUNDARY_ACTIONS, workloadBoundaryDocument } from "../src/workload-boundary";

type Synth = Record<string, any>;
const outdir = path.resolve(__dirname, "../../../cdktf.out");
const stacks: Record<string, Synth> = Object.fromEntries(
  (buildApp({ env: {}, outdir }).node.children as TerraformStack[]).map((s) => [
    s.node.id,
    JSON.parse(Testing.synth(s)),
  ]),
);
const inBoundary = new Set<string>(Object.values(WORKLOAD_BOUNDARY_ACTIONS).flat());

describe.each(Object.keys(stacks))("the workload boundary in %s", (env) => {
  // A boundary that misses an action the stack grants would break the workload at run time, not at deploy.
  test("holds every action the stack's roles are granted", () => {
    const granted = Object.values(stacks[env].resource.aws_iam_role_policy as Record<string, any>).flatMap((p) =>
      [JSON.parse(p.policy).Statement]
        .flat()
        .filter((st: any) => st.Effect === "Allow")
        .flatMap((st: any) => [st.Action].flat()),
    );
    expect(granted.length).toBeGreaterThan(5);
    expect([...new Set(granted)].filter((a) => !inBoundary.has(a))).toEqual([]);
  });
});

describe("the workload boundary document", () => {
  const document = workloadBoundaryDocument("aws", "123456789012");
  const actions = document.Statement.flatMap((st) => st.Action);

  test("only the workloads' actions: nothing of IAM, STS, KMS or Lambda management, no wildcard", () => {
    expect(actions.filter((a) => a.includes("*"))).toEqual([]);
    // Invoking a function is no management: the batch job's state machine calls its worker (this account's only).
    expect(actions.filter((a) => /^(iam|sts|kms|lambda|organizations):/.test(a))).toEqual(["lambda:InvokeFunction"]);
    expect(document.Statement.every((st) => st.Effect === "Allow")).toBe(true);
  });

  test("logs and model stores only of the account", () => {
    const bySid = Object.fromEntries(document.Statement.map((st) => [st.Sid, st]));
    expect(bySid.OwnLogGroupsOfThisAccount.Resource).toBe("arn:aws:logs:*:123456789012:log-group:*");
    expect(bySid.ModelStoresOfThisAccount.Resource).toBe("arn:aws:elasticfilesystem:*:123456789012:file-system/*");
    expect(bySid.BatchJobWorkersOfThisAccount.Resource).toBe("arn:aws:lambda:*:123456789012:function:*");
    expect(bySid.BatchJobExecutionsOfThisAccount.Resource).toBe("arn:aws:states:*:123456789012:*");
  });
});
