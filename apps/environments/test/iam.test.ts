import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { NerBatchJob } from "@serverless-spacy/ner-batch-job";
import { buildApp } from "../src/app";
import { environments } from "../src/config/environments";

type Synth = { resource: Record<string, Record<string, any>> };
type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: unknown;
};

/**
 * Actions IAM offers no resource type for: "*" is the only resource they accept (Service Authorization
 * Reference: Amazon EC2, AWS X-Ray). Any other action allowed on "*" is wider than it has to be.
 */
const ACTIONS_WITHOUT_RESOURCE_TYPES = new Set([
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  // CloudWatch Logs' log delivery, which a state machine's role needs to log: none has a resource type.
  ...NerBatchJob.stateMachineLogDeliveryActions,
]);

const outdir = path.resolve(__dirname, "../../../cdktf.out");
const stacks: Record<string, Synth> = Object.fromEntries(
  (buildApp({ env: {}, outdir }).node.children as TerraformStack[]).map((s) => [
    s.node.id,
    JSON.parse(Testing.synth(s)),
  ]),
);

/** Every identity-policy statement an environment's roles get, with where it came from. */
function roleStatements(s: Synth): { where: string; statement: Statement }[] {
  const documents = [
    ...Object.entries(s.resource.aws_iam_role_policy ?? {}).map(([id, p]) => [`aws_iam_role_policy.${id}`, p.policy]),
    ...Object.entries(s.resource.aws_iam_policy ?? {}).map(([id, p]) => [`aws_iam_policy.${id}`, p.policy]),
    ...Object.entries(s.resource.aws_iam_role ?? {}).flatMap(([id, r]) =>
      (r.inline_policy ?? []).map((p: { policy: string }) => [`aws_iam_role.${id}`, p.policy]),
    ),
  ];
  return documents.flatMap(([where, document]) =>
    [JSON.parse(document).Statement].flat().map((statement: Statement) => ({ where, statement })),
  );
}

describe.each(Object.keys(stacks))("IAM in %s", (environment) => {
  const s = stacks[environment];

  test("no role attaches an AWS-managed policy", () => {
    const attachments = [
      ...Object.values(s.resource.aws_iam_role_policy_attachment ?? {}),
      ...Object.values(s.resource.aws_iam_policy_attachment ?? {}),
    ].map((a) => a.policy_arn);
    expect(attachments.filter((arn) => /:iam::aws:policy\//.test(String(arn)))).toEqual([]);
    expect(attachments).toEqual([]);
    for (const role of Object.values(s.resource.aws_iam_role ?? {})) {
      expect(role.managed_policy_arns).toBeUndefined();
    }
    expect(JSON.stringify(s)).not.toMatch(/iam::aws:policy\//);
  });

  test("no Allow names a wildcard action or puts an action that has a resource type on '*'", () => {
    const statements = roleStatements(s);
    // The execution roles of the API and the sync, and the flow logs role, each have a policy.
    expect(statements.length).toBeGreaterThan(5);
    for (const { where, statement } of statements.filter((x) => x.statement.Effect === "Allow")) {
      const actions = [statement.Action].flat();
      for (const action of actions) {
        // Not "*", not "service:*", and no partial wildcard ("s3:Get*") either.
        expect(`${where}: ${action}`).not.toMatch(/: \S*\*/);
      }
      const resources = [statement.Resource ?? []].flat();
      if (resources.includes("*")) {
        expect({ where, wideOnStar: actions.filter((a) => !ACTIONS_WITHOUT_RESOURCE_TYPES.has(a)) }).toEqual({
          where,
          wideOnStar: [],
        });
      }
    }
  });

  test("each Lambda execution role writes only to its own log group and denies its code the ENI calls", () => {
    const functions = Object.values(s.resource.aws_lambda_function ?? {});
    // The model's function, its sync, the catalog, and the batch job's worker where the environment has one.
    expect(functions.length).toBe(environments[environment].batchJob ? 4 : 3);
    for (const fn of functions) {
      const roleId = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(fn.role)![1];
      const statements = Object.values(s.resource.aws_iam_role_policy)
        .filter((p) => p.role === `\${aws_iam_role.${roleId}.name}`)
        .flatMap((p) => JSON.parse(p.policy).Statement as Statement[]);
      const logs = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith("logs:")));
      const logGroupId = /^\$\{aws_cloudwatch_log_group\.([^.]+)\.name\}$/.exec(
        fn.logging_config?.log_group ?? `\${aws_cloudwatch_log_group.${findLogGroup(s, fn.function_name)}.name}`,
      )![1];
      expect(logs).toEqual([
        expect.objectContaining({
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `\${aws_cloudwatch_log_group.${logGroupId}.arn}:*`,
        }),
      ]);
      const deny = statements.find((st) => st.Effect === "Deny")!;
      expect([deny.Action].flat()).toEqual(
        expect.arrayContaining(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"]),
      );
      const arns = (deny.Condition as any).ArnEquals["lambda:SourceFunctionArn"];
      expect(arns[0]).toMatch(new RegExp(`:function:${fn.function_name}$`));
    }
  });
});

function findLogGroup(s: Synth, functionName: string): string {
  return Object.entries(s.resource.aws_cloudwatch_log_group).find(
    ([, g]) => g.name === `/aws/lambda/${functionName}`,
  )![0];
}
