import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { buildApp } from "../src/app";
import { WORKLOAD_BOUNDARY_POLICY } from "../src/config/delivery";
import { environments } from "../src/config/environments";

type Synth = Record<string, any>;
const outdir = path.resolve(__dirname, "../../../cdktf.out");
const stacks: Record<string, Synth> = Object.fromEntries(
  (buildApp({ env: {}, outdir }).node.children as TerraformStack[]).map((s) => [
    s.node.id,
    JSON.parse(Testing.synth(s)),
  ]),
);
const pipelineEnvironments = Object.keys(environments).filter((e) => environments[e].delivery.pipeline);

describe("what the pipeline's deploy role can create", () => {
  test("the pipeline deploys every checked-in environment", () => {
    expect(pipelineEnvironments).toEqual(Object.keys(stacks));
  });

  // Walks every synthesized aws_iam_role of every stack, so a role a construct adds later fails here until it
  // carries the boundary too (the deploy role's iam:CreateRole would refuse it at apply time).
  test.each(Object.keys(stacks))("%s: every role carries the workload boundary of the account it is in", (env) => {
    const s = stacks[env];
    const roles = Object.entries(s.resource.aws_iam_role ?? {}) as [string, any][];
    expect(roles.length).toBeGreaterThanOrEqual(3);
    const partition = Object.keys(s.data.aws_partition).find((k) => k.startsWith("partition"));
    const account = Object.keys(s.data.aws_caller_identity).find((k) => k.startsWith("account"));
    const expected =
      `arn:\${data.aws_partition.${partition}.partition}:iam::` +
      `\${data.aws_caller_identity.${account}.account_id}:policy/${WORKLOAD_BOUNDARY_POLICY}`;
    for (const [id, role] of roles) {
      expect({ id, boundary: role.permissions_boundary }).toEqual({ id, boundary: expected });
    }
  });

  test("a stack without a boundary in its config creates unbounded roles (the boundary comes from the config)", () => {
    const byHand = structuredClone(environments);
    delete byHand.dev.permissionsBoundaryPolicy;
    byHand.dev.delivery = { pipeline: false, reason: "a personal sandbox, deployed from a laptop" };
    const app = buildApp({ environments: byHand, env: {}, outdir });
    const dev = JSON.parse(Testing.synth(app.node.children.find((c) => c.node.id === "dev") as TerraformStack));
    for (const role of Object.values(dev.resource.aws_iam_role) as any[]) {
      expect(role.permissions_boundary).toBeUndefined();
    }
  });
});

describe("state and account of every environment the pipeline deploys", () => {
  test.each(pipelineEnvironments)("%s: S3 state in the bootstrap bucket, locked, and an account pin", (env) => {
    const s = stacks[env];
    const config = environments[env];
    expect(s.terraform.backend).toEqual({
      s3: {
        bucket: config.backend!.bucket,
        key: `serverless-spacy/${env}/terraform.tfstate`,
        region: config.region,
        encrypt: true,
        // The bootstrap's customer-managed key: without it the backend asks for SSE-S3, which the bucket refuses.
        kms_key_id: "alias/serverless-spacy-tfstate",
        use_lockfile: true,
      },
    });
    expect(s.provider.aws[0].allowed_account_ids).toEqual(config.allowedAccountIds);
    expect(s.provider.aws[0].allowed_account_ids.every((id: string) => /^\d{12}$/.test(id))).toBe(true);
  });
});
