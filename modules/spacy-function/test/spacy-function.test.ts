import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { EfsModelStore } from "@serverless-spacy/model-store";
import { ApiAuthMode } from "../src/api-auth";
import { Architecture } from "../src/architecture";
import {
  BlasLibrary,
  RESERVED_ENVIRONMENT_VARIABLES,
  RUNTIME_ENVIRONMENT_VARIABLES,
  SpacyFunction,
} from "../src/spacy-function";
import {
  expectedInitSeconds,
  FULL_VCPU_MEMORY_MB,
  MODEL_INIT_SECONDS,
  ON_DEMAND_INIT_LIMIT_SECONDS,
  VectorsMode,
} from "../src/memory-sizing";
import { ModelCatalog } from "../src/model-catalog";
import { ACCESS_LOG_FORMAT } from "../src/ner-http-api";
import {
  actionsOf,
  allowedActionsOf,
  addresses,
  all,
  fixture,
  functionProps,
  only,
  policyDocuments,
  synth,
  synthFunction,
  type Synthesized,
} from "./harness";

const ACCESS_POINT_ARN = /^\$\{aws_efs_access_point\.store_access-point_[0-9A-F]+\.arn\}$/;

describe("SpacyFunction with defaults", () => {
  let out: Synthesized;
  let fn: SpacyFunction;
  beforeAll(() => {
    ({ fn, ...out } = synthFunction());
  });

  test("mounts the store's access point at /mnt/models", () => {
    const lambda = only(out, "aws_lambda_function");
    expect(lambda.file_system_config).toEqual({
      arn: expect.stringMatching(ACCESS_POINT_ARN),
      local_mount_path: "/mnt/models",
    });
    expect(lambda.vpc_config.subnet_ids).toEqual(["subnet-a", "subnet-b"]);
    expect(lambda.vpc_config.security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\.api_/)]);
  });

  test("runs the handler with the model's coordinates and the seed's sizing", () => {
    const lambda = only(out, "aws_lambda_function");
    expect(lambda).toMatchObject({
      function_name: "spacy-test-api",
      handler: "ner_handler.handler",
      runtime: "python3.12",
      architectures: ["x86_64"],
      memory_size: 3008,
      timeout: 30,
      ephemeral_storage: { size: 512 },
      publish: false,
      layers: [expect.stringMatching(/^\$\{aws_lambda_layer_version\.layer_/)],
    });
    expect(lambda.filename).toMatch(/^assets\/.+\/archive\.zip$/);
    expect(lambda.source_code_hash).toMatch(/^[0-9A-F]+$/i);
    // Defaults of the handler are left alone: nothing is set that the caller did not ask for.
    expect(lambda.environment.variables).toEqual({
      MODEL_ROOT: "/mnt/models",
      MODEL_NAME: "en_core_web_lg",
      MODEL_VERSION: "3.8.0",
    });
    expect(lambda.reserved_concurrent_executions).toBeUndefined();
    expect(lambda.tracing_config).toBeUndefined();
  });

  test("waits for the mount targets, the model, its log group, its policies and the store's grants", () => {
    const dependsOn: string[] = only(out, "aws_lambda_function").depends_on;
    expect(dependsOn).toEqual(
      expect.arrayContaining([
        ...addresses(out, "aws_efs_mount_target"),
        "aws_lambda_invocation.model-sync",
        ...addresses(out, "aws_cloudwatch_log_group").filter((a) => a.includes("log-group")),
        ...addresses(out, "aws_iam_role_policy"),
        ...addresses(out, "aws_vpc_security_group_ingress_rule"),
      ]),
    );
    expect(addresses(out, "aws_efs_mount_target")).toHaveLength(1);
    expect(addresses(out, "aws_iam_role_policy")).toHaveLength(2);
  });

  test("security groups: only NFS from the function to the store, nothing open to the world", () => {
    // The function's security group is in its scope, the store's in the store's.
    const groups = all(out, "aws_security_group");
    const [fnSgId] = Object.keys(groups).filter((id) => id.startsWith("api_"));
    const [storeSgId] = Object.keys(groups).filter((id) => id.startsWith("store_"));
    expect(Object.keys(groups)).toHaveLength(2);
    for (const group of Object.values(groups)) {
      expect(group.ingress ?? []).toEqual([]);
      expect(group.egress ?? []).toEqual([]);
    }

    const egress = Object.values(all(out, "aws_vpc_security_group_egress_rule"));
    expect(egress).toEqual([
      expect.objectContaining({
        security_group_id: `\${aws_security_group.${fnSgId}.id}`,
        referenced_security_group_id: `\${aws_security_group.${storeSgId}.id}`,
        ip_protocol: "tcp",
        from_port: 2049,
        to_port: 2049,
      }),
    ]);
    const ingress = Object.values(all(out, "aws_vpc_security_group_ingress_rule"));
    expect(ingress).toEqual([
      expect.objectContaining({
        security_group_id: `\${aws_security_group.${storeSgId}.id}`,
        referenced_security_group_id: `\${aws_security_group.${fnSgId}.id}`,
        from_port: 2049,
        to_port: 2049,
      }),
    ]);
    const rules = JSON.stringify([groups, egress, ingress]);
    expect(rules).not.toContain("0.0.0.0/0");
    expect(rules).not.toContain("::/0");
  });

  test("IAM: read-only ClientMount scoped to the file system and access point, and no wildcard actions", () => {
    const inline = Object.values(all(out, "aws_iam_role_policy")).filter((p) => p.name === "store-efs-read");
    expect(inline).toHaveLength(1);
    expect(inline[0].role).toMatch(/^\$\{aws_iam_role\.api_function_role_.+\.name\}$/);
    expect(JSON.parse(inline[0].policy).Statement).toEqual([
      {
        Sid: "MountModelStoreReadOnly",
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount"],
        Resource: expect.stringMatching(/^\$\{aws_efs_file_system\.store_file-system_[0-9A-F]+\.arn\}$/),
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": expect.stringMatching(ACCESS_POINT_ARN) } },
      },
    ]);
    const actions = allowedActionsOf(policyDocuments(out));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes("*"))).toEqual([]);
    expect(actions).not.toContain("logs:CreateLogGroup");
    // ClientWrite only appears in the store's file system policy, in Deny statements.
    const allowed = policyDocuments(out).flatMap((d) =>
      d.Statement.filter((st: { Effect: string }) => st.Effect === "Allow"),
    );
    expect(actionsOf([{ Statement: allowed }])).not.toContain("elasticfilesystem:ClientWrite");
    expect(JSON.stringify(out)).not.toContain("AmazonElasticFileSystemClientReadWriteAccess");

    const role = only(out, "aws_iam_role");
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "lambda.amazonaws.com" });
  });

  test("no AWS-managed policy: an inline execution policy scoped to its own log group and this account's ENIs", () => {
    expect(out.resource.aws_iam_role_policy_attachment).toBeUndefined();
    expect(only(out, "aws_iam_role").managed_policy_arns).toBeUndefined();
    const [execution] = Object.values(all(out, "aws_iam_role_policy")).filter(
      (p) => p.name === "spacy-test-api-execution",
    );
    const bySid = Object.fromEntries(JSON.parse(execution.policy).Statement.map((st: { Sid: string }) => [st.Sid, st]));
    const logGroupId = Object.keys(all(out, "aws_cloudwatch_log_group")).find((id) =>
      id.startsWith("api_function_log-group"),
    );
    expect(bySid.WriteOwnLogs).toEqual({
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `\${aws_cloudwatch_log_group.${logGroupId}.arn}:*`,
    });
    expect(bySid.ManageVpcNetworkInterfaces.Resource).toMatch(
      /^arn:\$\{data\.aws_partition\..+\}:ec2:\$\{data\.aws_region\..+\}:\$\{data\.aws_caller_identity\..+\.account_id\}:\*\/\*$/,
    );
    // Describe* have no resource-level form: "*" is the only resource IAM accepts for them.
    expect(bySid.DescribeVpcNetworking).toMatchObject({
      Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
      Resource: "*",
    });
    const deny = bySid.DenyNetworkInterfaceCallsFromFunctionCode;
    expect(deny.Effect).toBe("Deny");
    expect(deny.Action).toEqual(
      expect.arrayContaining([...bySid.ManageVpcNetworkInterfaces.Action, ...bySid.DescribeVpcNetworking.Action]),
    );
    const [unqualified, qualified] = deny.Condition.ArnEquals["lambda:SourceFunctionArn"];
    expect(unqualified).toMatch(
      /:lambda:\$\{data\.aws_region\..+\}:\$\{data\.aws_caller_identity\..+\}:function:spacy-test-api$/,
    );
    expect(qualified).toBe(`${unqualified}:*`);
    // The function waits for the policy (CreateFunction checks the ENI permissions), so the policy names the
    // function by its parts, never by a reference to it.
    expect(execution.policy).not.toContain("aws_lambda_function.");
    const executionPolicy = Object.keys(all(out, "aws_iam_role_policy")).find((id) => id.includes("execution-policy"));
    expect(only(out, "aws_lambda_function").depends_on).toContain(`aws_iam_role_policy.${executionPolicy}`);
  });

  test("logs as JSON to /aws/lambda/<name> kept 30 days", () => {
    const groups = all(out, "aws_cloudwatch_log_group");
    const fnGroup = Object.entries(groups).find(([, g]) => g.name === "/aws/lambda/spacy-test-api");
    expect(fnGroup?.[1].retention_in_days).toBe(30);
    expect(only(out, "aws_lambda_function").logging_config).toEqual({
      log_format: "JSON",
      log_group: `\${aws_cloudwatch_log_group.${fnGroup?.[0]}.name}`,
    });
    expect(fn.logGroupName).toMatch(/^\$\{TfToken/);
  });

  test("HTTP API: POST /entities and GET /health, proxied with payload 2.0, IAM auth", () => {
    expect(only(out, "aws_apigatewayv2_api")).toMatchObject({ protocol_type: "HTTP", name: "spacy-test-api" });
    expect(only(out, "aws_apigatewayv2_integration")).toMatchObject({
      integration_type: "AWS_PROXY",
      payload_format_version: "2.0",
      integration_uri: expect.stringMatching(/^\$\{aws_lambda_function\..+\.invoke_arn\}$/),
      timeout_milliseconds: 30000,
    });
    const routes = Object.values(all(out, "aws_apigatewayv2_route"));
    expect(routes.map((r) => r.route_key).sort()).toEqual(["GET /health", "POST /analyze", "POST /entities"]);
    for (const route of routes) {
      expect(route.authorization_type).toBe("AWS_IAM");
      expect(route.target).toMatch(/^integrations\/\$\{aws_apigatewayv2_integration\..+\.id\}$/);
    }
    expect(all(out, "aws_apigatewayv2_authorizer")).toEqual({});
  });

  test("$default stage auto-deploys, throttles at 50/100 and writes JSON access logs", () => {
    const stage = only(out, "aws_apigatewayv2_stage");
    expect(stage).toMatchObject({
      name: "$default",
      auto_deploy: true,
      default_route_settings: { throttling_burst_limit: 50, throttling_rate_limit: 100 },
    });
    const format = JSON.parse(stage.access_log_settings.format);
    expect(Object.keys(format)).toEqual(
      expect.arrayContaining([
        "requestId",
        "ip",
        "requestTime",
        "httpMethod",
        "routeKey",
        "status",
        "protocol",
        "responseLength",
        "integrationLatency",
      ]),
    );
    expect(stage.access_log_settings.format).toBe(ACCESS_LOG_FORMAT);
    // Who called (IAM caller ARN) and which invocation answered (the function's request id); no
    // caller-controlled text (access-log-format.test.ts).
    expect(JSON.parse(ACCESS_LOG_FORMAT)).toMatchObject({
      callerArn: "$context.identity.userArn",
      lambdaRequestId: "$context.integration.requestId",
      integrationStatus: "$context.integration.integrationStatus",
    });
    const accessLogs = Object.entries(all(out, "aws_cloudwatch_log_group")).find(([, g]) =>
      g.name.includes("apigateway"),
    );
    expect(accessLogs?.[1].retention_in_days).toBe(30);
    expect(stage.access_log_settings.destination_arn).toBe(`\${aws_cloudwatch_log_group.${accessLogs?.[0]}.arn}`);
  });

  test("API Gateway may invoke the function on its three routes only", () => {
    const permissions = Object.values(all(out, "aws_lambda_permission"));
    expect(permissions).toHaveLength(3);
    const arns = permissions.map((p) => p.source_arn).sort();
    expect(arns).toEqual([
      expect.stringMatching(/^\$\{aws_apigatewayv2_api\..+\.execution_arn\}\/\*\/GET\/health$/),
      expect.stringMatching(/^\$\{aws_apigatewayv2_api\..+\.execution_arn\}\/\*\/POST\/analyze$/),
      expect.stringMatching(/^\$\{aws_apigatewayv2_api\..+\.execution_arn\}\/\*\/POST\/entities$/),
    ]);
    for (const permission of permissions) {
      expect(permission).toMatchObject({ principal: "apigateway.amazonaws.com", action: "lambda:InvokeFunction" });
      expect(permission.qualifier).toBeUndefined();
      // The function this construct created, not a value read before it existed.
      expect(permission.function_name).toMatch(/^\$\{aws_lambda_function\.\S+\.function_name\}$/);
    }
  });

  test("creates no alias, provisioned concurrency or alarms unless asked", () => {
    expect(all(out, "aws_lambda_alias")).toEqual({});
    expect(all(out, "aws_lambda_provisioned_concurrency_config")).toEqual({});
    expect(all(out, "aws_cloudwatch_metric_alarm")).toEqual({});
    expect(fn.aliasArn).toBeUndefined();
  });

  test("exposes the attributes the apps wire", () => {
    for (const value of [
      fn.apiUrl,
      fn.apiId,
      fn.apiExecutionArn,
      fn.functionName,
      fn.functionArn,
      fn.roleArn,
      fn.roleName,
      fn.securityGroupId,
    ]) {
      expect(value).toMatch(/^\$\{TfToken\[/);
    }
  });
});

describe("SpacyFunction options", () => {
  test("auth none: routes open, no authorizer", () => {
    const out = synthFunction({ api: { auth: ApiAuthMode.NONE } });
    for (const route of Object.values(all(out, "aws_apigatewayv2_route"))) {
      expect(route.authorization_type).toBe("NONE");
      expect(route.authorizer_id).toBeUndefined();
    }
    expect(all(out, "aws_apigatewayv2_authorizer")).toEqual({});
  });

  test("auth jwt: a JWT authorizer guards both routes", () => {
    const jwt = { issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", audience: ["client-1"] };
    const out = synthFunction({ api: { auth: ApiAuthMode.JWT, jwt } });
    const [[authorizerId, authorizer]] = Object.entries(all(out, "aws_apigatewayv2_authorizer"));
    expect(authorizer).toMatchObject({
      authorizer_type: "JWT",
      identity_sources: ["$request.header.Authorization"],
      jwt_configuration: { issuer: jwt.issuer, audience: jwt.audience },
    });
    const routes = Object.values(all(out, "aws_apigatewayv2_route"));
    expect(routes).toHaveLength(3);
    for (const route of routes) {
      expect(route.authorization_type).toBe("JWT");
      expect(route.authorizer_id).toBe(`\${aws_apigatewayv2_authorizer.${authorizerId}.id}`);
    }
  });

  test("sizing, limits, handler settings, throttling and retention are passed through", () => {
    const out = synthFunction({
      memorySize: 4096,
      timeout: 60,
      ephemeralStorageMb: 1024,
      reservedConcurrency: 10,
      excludeComponents: ["parser", "lemmatizer"],
      maxTextChars: 100000,
      maxBatchTexts: 16,
      vectors: VectorsMode.MMAP,
      maxTotalChars: 200000,
      blas: BlasLibrary.OPENBLAS,
      logRequestText: true,
      logRetentionDays: 90,
      mountPath: "/mnt/spacy",
      api: { throttlingBurstLimit: 5, throttlingRateLimit: 2.5, accessLogRetentionDays: 7 },
      tags: { Team: "nlp" },
    });
    const lambda = only(out, "aws_lambda_function");
    expect(lambda).toMatchObject({
      memory_size: 4096,
      timeout: 60,
      ephemeral_storage: { size: 1024 },
      reserved_concurrent_executions: 10,
      tags: { Team: "nlp" },
    });
    expect(lambda.file_system_config.local_mount_path).toBe("/mnt/spacy");
    expect(lambda.environment.variables).toEqual({
      MODEL_ROOT: "/mnt/spacy",
      MODEL_NAME: "en_core_web_lg",
      MODEL_VERSION: "3.8.0",
      MODEL_EXCLUDE: "parser,lemmatizer",
      MAX_TEXT_CHARS: "100000",
      MAX_BATCH_TEXTS: "16",
      MODEL_VECTORS: "mmap",
      MAX_TOTAL_CHARS: "200000",
      BLAS: "openblas",
      LOG_REQUEST_TEXT: "true",
    });
    // Every prop that becomes a variable is set here, so the names are exactly the contract's `construct` list.
    expect(Object.keys(lambda.environment.variables).sort()).toEqual(
      [...RUNTIME_ENVIRONMENT_VARIABLES.construct].sort(),
    );
    const retention = Object.values(all(out, "aws_cloudwatch_log_group")).map((g) => [g.name, g.retention_in_days]);
    expect(retention).toEqual(
      expect.arrayContaining([
        ["/aws/lambda/spacy-test-api", 90],
        ["/aws/apigateway/spacy-test-api/access", 7],
      ]),
    );
    expect(only(out, "aws_apigatewayv2_stage").default_route_settings).toEqual({
      throttling_burst_limit: 5,
      throttling_rate_limit: 2.5,
    });
    // The API cannot wait longer than 30 s whatever the function's timeout.
    expect(only(out, "aws_apigatewayv2_integration").timeout_milliseconds).toBe(30000);
  });

  test("provisioned concurrency: publishes versions, the API integrates the live alias", () => {
    const out = synthFunction({ provisionedConcurrency: 2 });
    expect(only(out, "aws_lambda_function").publish).toBe(true);
    const [[aliasId, alias]] = Object.entries(all(out, "aws_lambda_alias"));
    expect(alias).toMatchObject({
      name: "live",
      function_version: expect.stringMatching(/^\$\{aws_lambda_function\..+\.version\}$/),
    });
    expect(only(out, "aws_lambda_provisioned_concurrency_config")).toMatchObject({
      provisioned_concurrent_executions: 2,
      qualifier: `\${aws_lambda_alias.${aliasId}.name}`,
    });
    expect(only(out, "aws_apigatewayv2_integration").integration_uri).toBe(
      `\${aws_lambda_alias.${aliasId}.invoke_arn}`,
    );
    for (const permission of Object.values(all(out, "aws_lambda_permission"))) {
      expect(permission.qualifier).toBe(`\${aws_lambda_alias.${aliasId}.name}`);
    }
  });

  test("tracing: X-Ray active with an inline policy for the two actions it needs, no managed policy", () => {
    const out = synthFunction({ tracing: true });
    expect(only(out, "aws_lambda_function").tracing_config).toEqual({ mode: "Active" });
    expect(out.resource.aws_iam_role_policy_attachment).toBeUndefined();
    const statements = policyDocuments(out).flatMap((d) => d.Statement);
    expect(statements).toContainEqual({
      Sid: "WriteTraces",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: "*",
    });
  });

  test("alarms: errors, throttles, 5xx, 4xx rate, p99 duration, M-of-N, notifying the actions on alarm and OK", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:alerts";
    const out = synthFunction({ timeout: 20, alarms: { errorsThreshold: 3, alarmActions: [topic] } });
    const alarms = Object.values(all(out, "aws_cloudwatch_metric_alarm"));
    const byName = Object.fromEntries(alarms.map((a) => [a.alarm_name.replace(/^spacy-test-api-/, ""), a]));
    // No reservation, no provisioned concurrency: no concurrency or spillover alarm.
    expect(Object.keys(byName).sort()).toEqual(["api-4xx-rate", "api-5xx", "duration-p99", "errors", "throttles"]);
    expect(byName.errors).toMatchObject({
      metric_name: "Errors",
      statistic: "Sum",
      threshold: 3,
      alarm_actions: [topic],
      ok_actions: [topic],
    });
    expect(byName.throttles).toMatchObject({ metric_name: "Throttles", statistic: "Sum", threshold: 1 });
    expect(byName.errors.dimensions.FunctionName).toMatch(/^\$\{aws_lambda_function\./);
    expect(byName["api-5xx"].dimensions).toEqual({
      ApiId: expect.stringMatching(/^\$\{aws_apigatewayv2_api\./),
      Stage: expect.stringMatching(/^\$\{aws_apigatewayv2_stage\./),
    });
    // 80% of the 20 s timeout, in milliseconds.
    expect(byName["duration-p99"]).toMatchObject({
      extended_statistic: "p99",
      threshold: 16000,
      comparison_operator: "GreaterThanThreshold",
    });
    for (const alarm of alarms) {
      expect([alarm.evaluation_periods, alarm.datapoints_to_alarm]).toEqual([5, 3]);
    }
  });

  test("alarms: concurrency near the reservation and provisioned-concurrency spillover on the live alias", () => {
    const out = synthFunction({
      reservedConcurrency: 7,
      provisionedConcurrency: 2,
      alarms: { concurrencyPercentOfReserved: 50, evaluationPeriods: 3, datapointsToAlarm: 2 },
    });
    const byName = Object.fromEntries(
      Object.values(all(out, "aws_cloudwatch_metric_alarm")).map((a) => [
        a.alarm_name.replace(/^spacy-test-api-/, ""),
        a,
      ]),
    );
    expect(byName.concurrency).toMatchObject({
      metric_name: "ConcurrentExecutions",
      statistic: "Maximum",
      threshold: 4,
      evaluation_periods: 3,
      datapoints_to_alarm: 2,
    });
    expect(byName["provisioned-spillover"].dimensions.Resource).toMatch(/:\$\{aws_lambda_alias\./);
  });

  test.each<[string, object, RegExp]>([
    [
      "M above N",
      { evaluationPeriods: 2, datapointsToAlarm: 3 },
      /alarms.datapointsToAlarm must be at most alarms.evaluationPeriods \(2\), got 3/,
    ],
    [
      "percentage above 100",
      { durationPercentOfTimeout: 120 },
      /alarms.durationPercentOfTimeout must be a percentage above 0 and at most 100, got 120/,
    ],
    ["zero rate", { clientErrorRatePercent: 0 }, /alarms.clientErrorRatePercent must be a percentage/],
  ])("alarms: %s is refused", (_, alarms, message) => {
    expect(() => synthFunction({ alarms })).toThrow(message);
  });

  test("the function's architecture follows an arm64 layer", () => {
    const f = fixture({ zipPath: undefined, architecture: Architecture.ARM64 });
    new SpacyFunction(f.stack, "api", functionProps(f));
    const out = synth(f.stack);
    expect(only(out, "aws_lambda_function").architectures).toEqual(["arm64"]);
  });

  test("warns when memory is below what the model needs", () => {
    const f = fixture();
    const fn = new SpacyFunction(f.stack, "api", functionProps(f, { memorySize: 1024 }));
    const warnings = fn.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toEqual(
      expect.arrayContaining([expect.stringContaining("Runtime exited with error: signal: killed")]),
    );
  });
});

describe("expected init", () => {
  const warningsFor = (overrides: Record<string, unknown>) => {
    const f = fixture();
    const fn = new SpacyFunction(f.stack, "api", functionProps(f, overrides));
    return fn.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
  };

  test("is the measured init CPU scaled by the CPU share below one vCPU", () => {
    const full = expectedInitSeconds("en_core_web_lg", FULL_VCPU_MEMORY_MB)!;
    expect(full.seconds).toBeCloseTo(MODEL_INIT_SECONDS.lg.eager);
    expect(expectedInitSeconds("en_core_web_lg", 4096)!.seconds).toBeCloseTo(MODEL_INIT_SECONDS.lg.eager);
    expect(expectedInitSeconds("en_core_web_lg", 512)!.seconds).toBeCloseTo((MODEL_INIT_SECONDS.lg.eager * 1769) / 512);
    expect(expectedInitSeconds("en_core_web_lg", 1769, VectorsMode.MMAP)!.seconds).toBeCloseTo(
      MODEL_INIT_SECONDS.lg.mmap,
    );
    expect(expectedInitSeconds("en_core_web_sm", 1769)!.seconds).toBeCloseTo(MODEL_INIT_SECONDS.sm);
    expect(expectedInitSeconds("en_core_web_md", 1024, VectorsMode.MMAP)!.seconds).toBeCloseTo(
      (MODEL_INIT_SECONDS.md.mmap * 1769) / 1024,
    );
    expect(expectedInitSeconds("en_core_web_md", 1024, VectorsMode.MMAP)!.derivation).toContain(
      "an md-shaped model with mmap",
    );
    expect(expectedInitSeconds("custom_pipeline", 1769)).toBeUndefined();
  });

  test("warns at synth when it is past the 10 s on-demand init limit, with its derivation", () => {
    // The smallest memorySize whose CPU share stretches lg's measured init past 10 s.
    const memorySize =
      Math.floor((MODEL_INIT_SECONDS.lg.eager * FULL_VCPU_MEMORY_MB) / ON_DEMAND_INIT_LIMIT_SECONDS) - 1;
    const over = warningsFor({ memorySize, vectors: "eager" });
    const initWarning = over.find((w) => w.includes("on-demand init limit"));
    expect(initWarning).toBeDefined();
    expect(initWarning).toContain(`memorySize ${memorySize} MB`);
    expect(initWarning).toContain(`${MODEL_INIT_SECONDS.lg.eager} s of init CPU measured`);
    expect(initWarning).toContain(`× ${FULL_VCPU_MEMORY_MB} / ${memorySize}`);
    expect(warningsFor({ memorySize: 3008, vectors: "eager" }).some((w) => w.includes("on-demand init limit"))).toBe(
      false,
    );
    // The default, mapped vectors, is estimated from its own measurement: well within the limit here.
    expect(warningsFor({ memorySize }).some((w) => w.includes("on-demand init limit"))).toBe(false);
  });
});

describe("SpacyFunction validation", () => {
  const jwt = { issuer: "https://issuer.example.com", audience: ["a"] };
  const cases: [string, Record<string, unknown>, RegExp[]][] = [
    ["memory too small", { memorySize: 64 }, [/memorySize/, /\b64\b/, /128–10240/]],
    ["memory not an integer", { memorySize: 2048.5 }, [/memorySize/, /2048\.5/, /128–10240/]],
    ["timeout too long", { timeout: 901 }, [/timeout/, /901/, /1–900/]],
    ["ephemeral storage too small", { ephemeralStorageMb: 256 }, [/ephemeralStorageMb/, /256/, /512–10240/]],
    ["bad architecture", { architecture: "sparc" }, [/architecture/, /"sparc"/, /x86_64, arm64/]],
    [
      "architecture differs from the layer",
      { architecture: Architecture.ARM64 },
      [/architecture/, /"arm64"/, /layer's architecture "x86_64"/],
    ],
    ["runtime the layer was not built for", { runtime: "python3.11" }, [/runtime/, /"python3.11"/, /python3\.12/]],
    ["bad retention", { logRetentionDays: 42 }, [/logRetentionDays/, /\b42\b/, /1, 3, 5, 7, 14, 30/]],
    [
      "bad access log retention",
      { api: { accessLogRetentionDays: 2 } },
      [/api\.accessLogRetentionDays/, /\b2\b/, /1, 3, 5/],
    ],
    [
      "jwt without config",
      { api: { auth: "jwt" } },
      [/api\.jwt must be set \(issuer and audience\) when api\.auth is "jwt", got undefined$/],
    ],
    [
      "jwt config without jwt auth",
      { api: { auth: "iam", jwt } },
      [/api\.auth must be "jwt" when api\.jwt is set \(only the JWT authorizer reads it\), got "iam"$/],
    ],
    [
      "jwt issuer not https",
      { api: { auth: "jwt", jwt: { issuer: "http://x", audience: ["a"] } } },
      [/api\.jwt\.issuer/, /"http:\/\/x"/, /https/],
    ],
    [
      "jwt without audience",
      { api: { auth: "jwt", jwt: { issuer: "https://x", audience: [] } } },
      [/api\.jwt\.audience/, /\[\]/],
    ],
    ["bad auth mode", { api: { auth: "basic" } }, [/api\.auth/, /"basic"/, /none, iam, jwt/]],
    ["mount path outside /mnt", { mountPath: "/models" }, [/mountPath/, /"\/models"/, /\/mnt\//]],
    ["mount path nested", { mountPath: "/mnt/a/b" }, [/mountPath/, /"\/mnt\/a\/b"/, /directly under \/mnt\//]],
    ["name with spaces", { name: "spacy api" }, [/name/, /"spacy api"/, /1–64 characters/]],
    ["name too long", { name: "x".repeat(65) }, [/name/, /x{65}/, /1–64 characters/]],
    ["no subnets", { subnetIds: [] }, [/subnetIds/, /\[\]/, /1–16/]],
    ["model name escaping the mount", { model: { name: "../etc", version: "1" } }, [/model\.name/, /"\.\.\/etc"/]],
    [
      "model name the sync would refuse",
      { model: { name: "en-core-web-sm", version: "3.8.0" } },
      [/model\.name/, /snake_case/, /"en-core-web-sm"/],
    ],
    [
      "model version range",
      { model: { name: "en_core_web_sm", version: ">=3.8" } },
      [/model\.version/, /PEP 440/, /">=3\.8"/],
    ],
    [
      "environment overriding the model",
      { environment: { MODEL_NAME: "x" } },
      [/environment/, /"MODEL_NAME"/, /MODEL_ROOT/],
    ],
    ...RESERVED_ENVIRONMENT_VARIABLES.map((name): [string, Record<string, unknown>, RegExp[]] => [
      `environment setting ${name}, which the runtime reads`,
      { environment: { [name]: "/elsewhere" } },
      [/environment/, new RegExp(`"${name}"`), /MODEL_PATH/],
    ]),
    ["environment key with a dash", { environment: { "MY-VAR": "x" } }, [/environment key/, /"MY-VAR"/]],
    ["extra security group by name", { securityGroupIds: ["web"] }, [/securityGroupIds\[\]/, /"web"/, /sg-/]],
    [
      "boundary that is not a policy ARN",
      { permissionsBoundary: "team-boundary" },
      [/permissionsBoundary/, /"team-boundary"/],
    ],
    [
      "existing role given by name",
      { role: { roleArn: "team-ner", roleName: "team-ner" } },
      [/role\.roleArn/, /"team-ner"/],
    ],
    [
      "boundary with an existing role",
      { role: { roleArn: "arn:aws:iam::1:role/r", roleName: "r" }, permissionsBoundary: "arn:aws:iam::1:policy/b" },
      [/permissionsBoundary must be unset with role .*, got "arn:aws:iam::1:policy\/b"$/],
    ],
    [
      "own API settings without an own API",
      { createApi: false, api: { throttlingRateLimit: 5 } },
      [/createApi must be true when api is set .*, got false$/],
    ],
    ["negative reserved concurrency", { reservedConcurrency: -1 }, [/reservedConcurrency/, /-1/, /≥ 0/]],
    [
      "provisioned above reserved",
      { reservedConcurrency: 1, provisionedConcurrency: 2 },
      [/provisionedConcurrency/, /\b2\b/, /reservedConcurrency \(1\)/],
    ],
    ["component list with a comma", { excludeComponents: ["parser,ner"] }, [/excludeComponents/, /"parser,ner"/]],
    ["zero max texts", { maxBatchTexts: 0 }, [/maxBatchTexts/, /\b0\b/, /≥ 1/]],
    ["unknown vectors mode", { vectors: "lazy" }, [/vectors/, /"lazy"/, /eager, mmap/]],
    ["unknown matrix library", { blas: "mkl" }, [/blas/, /"mkl"/, /blis, openblas/]],
    ["zero total characters", { maxTotalChars: 0 }, [/maxTotalChars/, /\b0\b/, /≥ 1/]],
    ["negative throttling", { api: { throttlingBurstLimit: -5 } }, [/api\.throttlingBurstLimit/, /-5/]],
    ["alarm period", { alarms: { periodSeconds: 90 } }, [/alarms\.periodSeconds/, /\b90\b/, /multiple of 60/]],
  ];

  const f = fixture();
  test.each(cases)("%s", (_title, overrides, patterns) => {
    let message = "";
    try {
      new SpacyFunction(f.stack, `api-${Math.random().toString(36).slice(2)}`, functionProps(f, overrides));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^test\/api-[a-z0-9]+: /);
    for (const pattern of patterns) {
      expect(message).toMatch(pattern);
    }
  });
});

describe("SpacyFunction for other teams", () => {
  test("accepts a PEP 440 pre-release model version like the sync does", () => {
    const out = synthFunction({ model: { name: "en_core_web_sm", version: "3.8.0rc1" } });
    expect(only(out, "aws_lambda_function").environment.variables.MODEL_VERSION).toBe("3.8.0rc1");
  });

  test("extra security groups, environment variables and a permissions boundary", () => {
    const out = synthFunction({
      securityGroupIds: ["sg-0123456789abcdef0"],
      environment: { TEAM: "search" },
      permissionsBoundary: "arn:aws:iam::123456789012:policy/team-boundary",
    });
    const lambda = only(out, "aws_lambda_function");
    expect(lambda.vpc_config.security_group_ids).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\.api_/),
      "sg-0123456789abcdef0",
    ]);
    expect(lambda.environment.variables).toMatchObject({ TEAM: "search", MODEL_NAME: "en_core_web_lg" });
    expect(only(out, "aws_iam_role").permissions_boundary).toBe("arn:aws:iam::123456789012:policy/team-boundary");
  });

  test("an existing role: no role created, the inline policies attached to it, function and role exposed", () => {
    const out = synthFunction({ role: { roleArn: "arn:aws:iam::123456789012:role/team-ner", roleName: "team-ner" } });
    expect(out.resource.aws_iam_role).toBeUndefined();
    expect(out.fn.role).toBeUndefined();
    expect(out.fn.roleName).toBe("team-ner");
    expect(only(out, "aws_lambda_function").role).toBe("arn:aws:iam::123456789012:role/team-ner");
    const policies = Object.values(all(out, "aws_iam_role_policy"));
    expect(policies.map((p) => [p.name, p.role]).sort()).toEqual([
      ["spacy-test-api-execution", "team-ner"],
      ["store-efs-read", "team-ner"],
    ]);
    expect(out.fn.lambdaFunction.terraformResourceType).toBe("aws_lambda_function");
  });

  test("grantInvoke: execute-api:Invoke on this API's routes, named after the grantee, not call order", () => {
    const build = (callers: string[]) => {
      const f = fixture();
      const fn = new SpacyFunction(f.stack, "api", functionProps(f));
      for (const caller of callers) {
        const role = new IamRole(f.stack, caller, { assumeRolePolicy: "{}" });
        fn.grantInvoke({ roleName: role.name, roleArn: role.arn });
      }
      return synth(f.stack);
    };
    const both = build(["search-caller", "batch-caller"]);
    const one = build(["batch-caller"]);
    const invokes = (s: Synthesized) =>
      Object.fromEntries(Object.entries(all(s, "aws_iam_role_policy")).filter(([id]) => id.includes("_invoke-")));
    expect(Object.keys(invokes(both))).toHaveLength(2);
    // The remaining caller's policy keeps its address and content when the other caller goes.
    expect(invokes(one)).toEqual(
      Object.fromEntries(Object.entries(invokes(both)).filter(([id]) => id.includes("batch-caller"))),
    );
    const [policy] = Object.values(invokes(one));
    expect(policy.role).toBe("${aws_iam_role.batch-caller.name}");
    const statement = JSON.parse(policy.policy).Statement[0];
    expect(statement.Action).toBe("execute-api:Invoke");
    expect(statement.Resource).toEqual([
      expect.stringMatching(/^\$\{aws_apigatewayv2_api\..+\.execution_arn\}\/\*\/POST\/entities$/),
      expect.stringMatching(/^\$\{aws_apigatewayv2_api\..+\.execution_arn\}\/\*\/POST\/analyze$/),
      expect.stringMatching(/^\$\{aws_apigatewayv2_api\..+\.execution_arn\}\/\*\/GET\/health$/),
    ]);
  });

  test("grantInvoke is refused when the API does not use IAM auth", () => {
    const f = fixture();
    const fn = new SpacyFunction(f.stack, "api", functionProps(f, { api: { auth: ApiAuthMode.NONE } }));
    expect(() => fn.grantInvoke({ roleName: "caller", roleArn: "arn:aws:iam::123456789012:role/caller" })).toThrow(
      'api/http-api: auth must be "iam" for grantInvoke (callers sign requests with SigV4), got "none"',
    );
  });

  test("without an own API, its members name the SpacyHttpApi to use instead", () => {
    const f = fixture();
    const fn = new SpacyFunction(f.stack, "api", functionProps(f, { createApi: false }));
    expect(fn.httpApi).toBeUndefined();
    expect(() => fn.apiUrl).toThrow(
      "test/api: createApi must be true for apiUrl, which is the function's own API's (with createApi false, use " +
        "the SpacyHttpApi that serves it), got false",
    );
    expect(() => fn.grantInvoke({ roleName: "caller", roleArn: "arn:aws:iam::123456789012:role/caller" })).toThrow(
      /^test\/api: createApi must be true for grantInvoke/,
    );
  });

  test("mounts an existing file system wrapped with EfsModelStore.fromAttributes", () => {
    const f = fixture();
    const existing = EfsModelStore.fromAttributes(f.stack, "existing-store", {
      fileSystemId: "fs-0123456789abcdef0",
      accessPointId: "fsap-0123456789abcdef0",
      securityGroupId: "sg-0fedcba9876543210",
      accessPointArn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0",
      fileSystemArn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0",
    });
    new SpacyFunction(f.stack, "api", functionProps(f, { modelStore: existing }));
    const out = synth(f.stack);
    const lambda = Object.values(all(out, "aws_lambda_function"))[0];
    expect(lambda.file_system_config.arn).toBe(
      "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0",
    );
    const egress = Object.values(all(out, "aws_vpc_security_group_egress_rule"))[0];
    expect(egress.referenced_security_group_id).toBe("sg-0fedcba9876543210");
    const ingress = Object.values(all(out, "aws_vpc_security_group_ingress_rule")).filter(
      (r) => r.security_group_id === "sg-0fedcba9876543210",
    );
    expect(ingress).toHaveLength(1);
  });
});

describe("the runtime's environment contract", () => {
  // The catalog function runs from the runtime's source folder too; what ModelCatalog sets must be names the
  // contract holds (runtime/tests/test_environment_contract.py pins those to what the Python reads).
  test("ModelCatalog sets MODEL_ROOT and the contract's catalog variables, nothing else", () => {
    const f = fixture();
    new ModelCatalog(f.stack, "catalog", {
      name: "spacy-catalog",
      vpcId: "vpc-0123456789",
      subnetIds: ["subnet-a", "subnet-b"],
      modelStore: f.store,
      models: [{ name: "en_core_web_sm", version: "3.8.0", default: true }],
    });
    const catalog = only(synth(f.stack), "aws_lambda_function");
    expect(Object.keys(catalog.environment.variables).sort()).toEqual(
      ["MODEL_ROOT", ...RUNTIME_ENVIRONMENT_VARIABLES.catalog].sort(),
    );
  });
});
