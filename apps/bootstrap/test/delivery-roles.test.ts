import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { WORKLOAD_BOUNDARY_POLICY, environments } from "@serverless-spacy/environments";
import { buildBootstrapApp } from "../src/app";
import { bootstrap } from "../src/config";

type Synth = Record<string, any>;
type Statement = {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: any;
};
const outdir = path.resolve(__dirname, "../cdktf.out");
const REPO = "acme/serverless-spacy";
const config = { ...bootstrap, githubRepository: REPO };

function synth(env = environments): Synth {
  const app = buildBootstrapApp({ env: {}, outdir, config, environments: env });
  return JSON.parse(Testing.synth(app.node.children[0] as TerraformStack));
}

const s = synth();
const roles = s.resource.aws_iam_role as Record<string, any>;
const role = (name: string) => Object.values(roles).find((r) => r.name === name);
const trust = (name: string): Statement[] => JSON.parse(role(name).assume_role_policy).Statement;
const inlinePolicy = (roleName: string): Statement[] => {
  const key = Object.entries(roles).find(([, r]) => r.name === roleName)![0];
  const policy = Object.values(s.resource.aws_iam_role_policy as Record<string, any>).find(
    (p) => p.role === `\${aws_iam_role.${key}.name}`,
  );
  return JSON.parse(policy.policy).Statement;
};
const actions = (statements: Statement[], effect = "Allow") =>
  statements.filter((st) => st.Effect === effect).flatMap((st) => [st.Action].flat());
const pipelineEnvironments = Object.keys(environments).filter((e) => environments[e].delivery.pipeline);
const PROVIDER = "${aws_iam_openid_connect_provider.delivery_github_";
const PARTITION = `\${data.aws_partition.${Object.keys(s.data.aws_partition)[0]}.partition}`;
const ACCOUNT = `\${data.aws_caller_identity.${Object.keys(s.data.aws_caller_identity)[0]}.account_id}`;

describe("GitHub OIDC provider", () => {
  test("one provider for GitHub's issuer, audience sts.amazonaws.com only", () => {
    const providers = Object.values(s.resource.aws_iam_openid_connect_provider);
    expect(providers).toEqual([
      expect.objectContaining({
        url: "https://token.actions.githubusercontent.com",
        client_id_list: ["sts.amazonaws.com"],
      }),
    ]);
  });
});

describe.each(pipelineEnvironments)("CI roles of %s", (env) => {
  const deployTrust = trust(`serverless-spacy-ci-${env}-deploy`);
  const planTrust = trust(`serverless-spacy-ci-${env}-plan`);

  test("deploy role: only the deploy workflow on main, in its own GitHub environment, audience STS", () => {
    expect(deployTrust).toHaveLength(1);
    expect(deployTrust[0]).toMatchObject({
      Effect: "Allow",
      Action: "sts:AssumeRoleWithWebIdentity",
      Principal: { Federated: expect.stringContaining(PROVIDER) },
    });
    // Exactly these three conditions, all StringEquals: no wildcard subject, no other operator.
    expect(deployTrust[0].Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": `repo:${REPO}:environment:${env}`,
        "token.actions.githubusercontent.com:job_workflow_ref": `${REPO}/.github/workflows/deploy.yml@refs/heads/main`,
      },
    });
  });

  test("plan role: the deploy workflow's plan job on main; pull requests only where the config allows them", () => {
    const [pipeline, ...pullRequest] = planTrust;
    expect(pipeline.Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": `repo:${REPO}:environment:${env}-plan`,
        "token.actions.githubusercontent.com:job_workflow_ref": `${REPO}/.github/workflows/deploy.yml@refs/heads/main`,
      },
    });
    const delivery = environments[env].delivery as { pullRequestPlans?: boolean };
    const planWorkflow = `${REPO}/.github/workflows/plan.yml`;
    if (delivery.pullRequestPlans) {
      expect(pullRequest).toHaveLength(1);
      expect(pullRequest[0].Condition).toEqual({
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": `repo:${REPO}:pull_request`,
        },
        StringLike: {
          "token.actions.githubusercontent.com:job_workflow_ref": `${planWorkflow}@refs/pull/*/merge`,
        },
      });
    } else {
      expect(pullRequest).toEqual([]);
    }
  });

  test("plan role: every action named, none that reads data, object reads only on state, lock and layer zip", () => {
    const statements = inlinePolicy(`serverless-spacy-ci-${env}-plan`);
    const allowed = actions(statements);
    expect(allowed.filter((a) => a.includes("*"))).toEqual([]);
    const dataReads = [
      "s3:GetObjectVersion",
      "logs:GetLogEvents",
      "logs:FilterLogEvents",
      "logs:StartQuery",
      "logs:GetQueryResults",
      "logs:StartLiveTail",
      "lambda:GetFunctionConfiguration",
      "lambda:InvokeFunction",
      "cloudwatch:GetMetricData",
      "kms:Decrypt",
      "secretsmanager:GetSecretValue",
      "ssm:GetParameter",
      "elasticfilesystem:ClientMount",
    ];
    expect(allowed.filter((a) => dataReads.includes(a))).toEqual([]);
    // No write other than the state lockfile.
    const writes = allowed.filter((a) => /:(Put|Delete|Create|Update|Attach|Tag|Untag)/.test(a));
    expect(writes.sort()).toEqual(["s3:DeleteObject", "s3:PutObject"]);
    const onObjects = statements.filter((st) =>
      [st.Action].flat().some((a) => /^s3:(GetObject|PutObject|DeleteObject)$/.test(a)),
    );
    expect(onObjects.flatMap((st) => [st.Resource].flat()).sort()).toEqual(
      [
        `arn:${PARTITION}:s3:::${bootstrap.bucket}/serverless-spacy/${env}/terraform.tfstate`,
        `arn:${PARTITION}:s3:::${bootstrap.bucket}/serverless-spacy/${env}/terraform.tfstate.tflock`,
        `arn:${PARTITION}:s3:::spacy-${env}-layer-*/*`,
      ].sort(),
    );
    const lambda = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith("lambda:")));
    expect(lambda).toHaveLength(1);
    expect([lambda[0].Resource].flat().every((r) => r.includes(`:spacy-${env}`))).toBe(true);
    expect([lambda[0].Action].flat()).toContain("lambda:GetFunction");
  });

  test("deploy role: roles only with the workload boundary, boundary never removed or rewritten", () => {
    const statements = inlinePolicy(`serverless-spacy-ci-${env}-deploy`);
    expect(actions(statements).filter((a) => a.includes("*"))).toEqual([]);
    const boundary = `arn:${PARTITION}:iam::${ACCOUNT}:policy/${WORKLOAD_BOUNDARY_POLICY}`;
    const bySid = Object.fromEntries(statements.map((st) => [st.Sid, st]));
    const createsRoles = statements.filter(
      (st) => st.Effect === "Allow" && [st.Action].flat().includes("iam:CreateRole"),
    );
    expect(createsRoles).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } } }),
    ]);
    expect(bySid.DenyRolesWithoutTheWorkloadBoundary).toMatchObject({
      Effect: "Deny",
      Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundary } },
    });
    expect(bySid.DenyRemovingBoundaries).toMatchObject({
      Effect: "Deny",
      Action: ["iam:DeleteRolePermissionsBoundary"],
      Resource: "*",
    });
    expect(bySid.DenyChangingTheBoundaryPolicy).toMatchObject({ Effect: "Deny", Resource: boundary });
    expect(bySid.DenyChangingTheBoundaryPolicy.Action).toEqual(
      expect.arrayContaining(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"]),
    );
    // IAM allows only on this environment's roles.
    const iamAllows = statements.filter(
      (st) =>
        st.Effect === "Allow" &&
        [st.Action].flat().some((a) => a.startsWith("iam:") && a !== "iam:CreateServiceLinkedRole"),
    );
    for (const st of iamAllows) {
      expect(st.Resource).toMatch(new RegExp(`:role/spacy-${env}-\\*$`));
    }
    expect(actions(statements)).not.toContain("iam:DeleteRolePermissionsBoundary");
    expect(actions(statements)).not.toContain("iam:AttachRolePolicy");
  });

  // IAM refuses a role whose inline policies exceed 10,240 characters (whitespace not counted); the deploy
  // policy is the largest thing here and grows with every resource type.
  test("inline policies fit IAM's 10,240-character limit per role, in the longest partition name", () => {
    for (const name of [`serverless-spacy-ci-${env}-plan`, `serverless-spacy-ci-${env}-deploy`]) {
      const resolved = JSON.stringify(inlinePolicy(name))
        .split(PARTITION)
        .join("aws-iso-b")
        .split(ACCOUNT)
        .join("123456789012")
        .replace(/\s/g, "");
      expect({ name, length: resolved.length < 10240 - 100 }).toEqual({ name, length: true });
    }
  });

  test("no CI role carries an AWS-managed policy", () => {
    expect(s.resource.aws_iam_role_policy_attachment).toBeUndefined();
    expect(JSON.stringify(s)).not.toMatch(/iam::aws:policy\//);
  });
});

describe("workload boundary", () => {
  test("created under the name the environment stacks point their roles at", () => {
    expect(Object.values(s.resource.aws_iam_policy)).toEqual([
      expect.objectContaining({ name: WORKLOAD_BOUNDARY_POLICY }),
    ]);
  });
});

describe("which environments get roles", () => {
  test("an environment deployed by hand gets none; one in another account gets none", () => {
    const changed = structuredClone(environments);
    changed.dev.delivery = { pipeline: false, reason: "a personal sandbox, deployed from a laptop" };
    changed.staging.allowedAccountIds = ["222222222222"];
    const names = Object.values(synth(changed).resource.aws_iam_role).map((r: any) => r.name);
    expect(names.sort()).toEqual(["serverless-spacy-ci-prod-deploy", "serverless-spacy-ci-prod-plan"]);
  });
});
