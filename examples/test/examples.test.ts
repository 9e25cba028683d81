import * as http from "http";
import type { AddressInfo } from "net";
import { Testing } from "cdktf";
import { OwnVpcStack, TEAM_NETWORK } from "../src/bring-your-own-vpc";
import { ExistingEfsStack } from "../src/existing-efs";
import { SearchNerStack } from "../src/full-stack";
import { iamClient } from "../src/iam-client";
import { SeveralModelsStack } from "../src/several-models";

type Synth = { resource: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>> };
const values = (s: Synth, type: string): any[] => Object.values(s.resource[type] ?? {});

describe("examples synthesize", () => {
  test("full stack: both functions, one zone-keyed mount target set, the caller granted the two routes", () => {
    const s: Synth = JSON.parse(Testing.synth(new SearchNerStack(Testing.app(), "search-ner")));
    expect(
      values(s, "aws_lambda_function")
        .map((f) => f.function_name)
        .sort(),
    ).toEqual(["search-model-sync", "search-ner"]);
    // One for_each resource keyed by zone: both mount targets known at plan time.
    expect(values(s, "aws_efs_mount_target")[0].for_each).toMatch(
      /^\$\{zipmap\(\[element\(data\.aws_availability_zones\.network_zones_\w+\.names, 0\), .*, 1\)\], \[aws_subnet\./,
    );
    // The layer zip is uploaded to an artifacts bucket of its own and published from there.
    expect(values(s, "aws_s3_bucket")).toHaveLength(1);
    expect(values(s, "aws_lambda_layer_version")).toHaveLength(1);
    const ner = values(s, "aws_lambda_function").find((f) => f.function_name === "search-ner");
    expect(ner.layers).toEqual([expect.stringMatching(/^\$\{aws_lambda_layer_version\.spacy_layer_\w+\.arn\}$/)]);
    expect(ner.memory_size).toBe(2048);
    // Both functions mount through the store's single access point, and the store admits both SGs.
    values(s, "aws_lambda_function").forEach((f) =>
      expect(f.file_system_config.arn).toMatch(/aws_efs_access_point\.models_access-point_\w+\.arn/),
    );
    expect(values(s, "aws_vpc_security_group_ingress_rule")).toHaveLength(2);
    const invoke = values(s, "aws_iam_role_policy").find((p) => p.role === "${aws_iam_role.indexer.name}");
    expect(JSON.parse(invoke.policy).Statement[0].Action).toBe("execute-api:Invoke");
    expect(s.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  test("several models: one API, a function and a sync per model, the catalog, the sm model on the bare routes", () => {
    const s: Synth = JSON.parse(Testing.synth(new SeveralModelsStack(Testing.app(), "support-ner")));
    expect(
      values(s, "aws_lambda_function")
        .map((f) => f.function_name)
        .sort(),
    ).toEqual([
      "support-en_acme_support",
      "support-en_acme_support-sync",
      "support-en_core_web_sm",
      "support-en_core_web_sm-sync",
      "support-models-catalog",
    ]);
    expect(values(s, "aws_apigatewayv2_api")).toHaveLength(1);
    const routes = Object.fromEntries(values(s, "aws_apigatewayv2_route").map((r) => [r.route_key, r.target]));
    expect(Object.keys(routes)).toHaveLength(10);
    expect(routes["POST /entities"]).toBe(routes["POST /models/en_core_web_sm/entities"]);
    expect(routes["GET /models"]).toBeDefined();
    expect(values(s, "aws_apigatewayv2_route").every((r) => r.authorization_type === "AWS_IAM")).toBe(true);
  });

  test("bring your own VPC: the team's ids, zones, extra security group and boundary, no VPC created", () => {
    const s: Synth = JSON.parse(Testing.synth(new OwnVpcStack(Testing.app(), "reviews-ner")));
    expect(s.resource.aws_vpc).toBeUndefined();
    expect(values(s, "aws_efs_mount_target")[0].for_each).toMatch(/zipmap\(\["eu-west-1a", "eu-west-1b"\]/);
    const ner = values(s, "aws_lambda_function").find((f) => f.function_name === "reviews-ner");
    expect(ner.vpc_config.security_group_ids).toContain(TEAM_NETWORK.internalServicesSecurityGroupId);
    expect(ner.vpc_config.subnet_ids).toEqual(TEAM_NETWORK.privateSubnets.map((x) => x.subnetId));
    const boundaries = values(s, "aws_iam_role").map((r) => r.permissions_boundary);
    expect(boundaries).toContain("arn:aws:iam::123456789012:policy/team-boundary");
  });

  test("existing EFS: no file system created, the access point looked up and mounted, the team's role used", () => {
    const s: Synth = JSON.parse(Testing.synth(new ExistingEfsStack(Testing.app(), "support-ner")));
    expect(s.resource.aws_efs_file_system).toBeUndefined();
    expect(s.resource.aws_iam_role).toBeUndefined();
    const [fn] = values(s, "aws_lambda_function");
    expect(fn.file_system_config.arn).toMatch(/^\$\{data\.aws_efs_access_point\./);
    expect(fn.role).toBe("arn:aws:iam::123456789012:role/support-ner");
  });
});

describe("the IAM-auth client example", () => {
  test("signs each request with SigV4 for execute-api and reads the typed answer", async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      req.resume().on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify([{ text: "Google", label: "ORG", start: 12, end: 18 }]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = iamClient(`http://127.0.0.1:${port}`, "eu-west-1", {
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "session",
      });
      const entities = await client.entities("He works at Google.");
      expect(entities).toEqual([{ text: "Google", label: "ORG", start: 12, end: 18, jsStart: 12, jsEnd: 18 }]);
      expect(seen).toHaveLength(1);
      expect(seen[0].authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
      expect(seen[0]["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
      expect(seen[0]["x-amz-security-token"]).toBe("session");
    } finally {
      server.close();
    }
  });
});
