/**
 * The AWS Foundational Security Best Practices (and related Security Hub) controls in docs/security.md,
 * checked on the synthesized stacks of every environment. Each test is named by its control id; the doc's
 * table must list exactly the ids checked here as "jest" (last test). The state bucket of apps/bootstrap
 * has the same S3 controls checked in apps/bootstrap/test/state-bucket.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { buildApp } from "../src/app";

type Synth = Record<string, any>;
const outdir = path.resolve(__dirname, "../../../cdktf.out");
const app = buildApp({ env: {}, outdir });
const stacks: Record<string, Synth> = Object.fromEntries(
  (app.node.children as TerraformStack[]).map((s) => [s.node.id, JSON.parse(Testing.synth(s))]),
);
const environments = Object.keys(stacks);
const values = (s: Synth, type: string): any[] => Object.values(s.resource?.[type] ?? {});
const documents = (s: Synth) =>
  [
    ...values(s, "aws_iam_role_policy").map((p) => p.policy),
    ...values(s, "aws_iam_policy").map((p) => p.policy),
    ...values(s, "aws_iam_role").map((p) => p.assume_role_policy),
    ...values(s, "aws_s3_bucket_policy").map((p) => p.policy),
    ...values(s, "aws_efs_file_system_policy").map((p) => p.policy),
    ...values(s, "aws_sns_topic_policy").map((p) => p.policy),
    ...values(s, "aws_kms_key").map((p) => p.policy),
    ...values(s, "aws_vpc_endpoint").map((p) => p.policy),
  ].map((d) => JSON.parse(d));
const statements = (s: Synth): any[] => documents(s).flatMap((d) => d.Statement);
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const checked: string[] = [];
function control(id: string, title: string, check: () => void): void {
  checked.push(id);
  test(`${id}: ${title}`, check);
}

describe("AWS security controls (docs/security.md)", () => {
  control("Lambda.1", "function policies prohibit public access", () => {
    for (const s of Object.values(stacks)) {
      for (const p of values(s, "aws_lambda_permission")) {
        expect(p.principal).toBe("apigateway.amazonaws.com");
        expect(p.source_arn).toMatch(/execution_arn\}\/\*\/(GET|POST)\//);
      }
    }
  });

  control("Lambda.2", "functions use a supported runtime", () => {
    for (const s of Object.values(stacks)) {
      for (const f of values(s, "aws_lambda_function")) {
        expect(["python3.12", "python3.13"]).toContain(f.runtime);
      }
    }
  });

  control("Lambda.5", "VPC functions run in more than one AZ", () => {
    for (const s of Object.values(stacks)) {
      for (const f of values(s, "aws_lambda_function")) {
        expect(f.vpc_config.subnet_ids.length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  control("APIGateway.9", "access logging is configured for API Gateway V2 stages", () => {
    for (const s of Object.values(stacks)) {
      for (const stage of values(s, "aws_apigatewayv2_stage")) {
        expect(stage.access_log_settings.destination_arn).toMatch(/aws_cloudwatch_log_group/);
        expect(JSON.parse(stage.access_log_settings.format)).toHaveProperty("callerArn");
      }
    }
  });

  control("EFS.1", "file data is encrypted at rest with KMS", () => {
    for (const s of Object.values(stacks)) {
      expect(values(s, "aws_efs_file_system").every((f) => f.encrypted === true)).toBe(true);
    }
  });

  control("EFS.2", "file systems are in backup plans (staging, prod; dev is the documented exception)", () => {
    const status = Object.fromEntries(
      environments.map((e) => [e, values(stacks[e], "aws_efs_backup_policy")[0].backup_policy.status]),
    );
    expect(status).toEqual({ dev: "DISABLED", staging: "ENABLED", prod: "ENABLED" });
  });

  control("EFS.3", "access points enforce a root directory", () => {
    for (const s of Object.values(stacks)) {
      for (const ap of values(s, "aws_efs_access_point")) {
        expect(ap.root_directory.path).toBe("/models");
      }
    }
  });

  control("EFS.4", "access points enforce a user identity", () => {
    for (const s of Object.values(stacks)) {
      for (const ap of values(s, "aws_efs_access_point")) {
        expect(ap.posix_user).toEqual({ uid: 1001, gid: 1001 });
      }
    }
  });

  control("EFS.6", "mount targets are not in public subnets", () => {
    for (const s of Object.values(stacks)) {
      const publicSubnets = Object.entries(s.resource.aws_subnet)
        .filter(([, subnet]: [string, any]) => subnet.tags.Tier === "public")
        .map(([id]) => `\${aws_subnet.${id}.id}`);
      for (const mt of values(s, "aws_efs_mount_target")) {
        expect(publicSubnets).not.toContain(mt.subnet_id);
      }
    }
  });

  control("S3.5", "buckets require TLS for every S3 action", () => {
    for (const s of Object.values(stacks)) {
      for (const policy of values(s, "aws_s3_bucket_policy")) {
        expect(JSON.parse(policy.policy).Statement).toContainEqual(
          expect.objectContaining({
            Effect: "Deny",
            Action: "s3:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        );
      }
      expect(values(s, "aws_s3_bucket_policy")).toHaveLength(values(s, "aws_s3_bucket").length);
    }
  });

  control("S3.8", "buckets block public access", () => {
    for (const s of Object.values(stacks)) {
      const blocks = values(s, "aws_s3_bucket_public_access_block");
      expect(blocks).toHaveLength(values(s, "aws_s3_bucket").length);
      for (const b of blocks) {
        expect([b.block_public_acls, b.block_public_policy, b.ignore_public_acls, b.restrict_public_buckets]).toEqual([
          true,
          true,
          true,
          true,
        ]);
      }
    }
  });

  control("S3.12", "ACLs are not used to manage access (bucket owner enforced)", () => {
    for (const s of Object.values(stacks)) {
      for (const o of values(s, "aws_s3_bucket_ownership_controls")) {
        expect(o.rule.object_ownership).toBe("BucketOwnerEnforced");
      }
      expect(values(s, "aws_s3_bucket_ownership_controls")).toHaveLength(values(s, "aws_s3_bucket").length);
    }
  });

  control("S3.13", "buckets have lifecycle configurations", () => {
    for (const s of Object.values(stacks)) {
      expect(values(s, "aws_s3_bucket_lifecycle_configuration")).toHaveLength(values(s, "aws_s3_bucket").length);
    }
  });

  control("S3.14", "buckets are versioned", () => {
    for (const s of Object.values(stacks)) {
      const versioning = values(s, "aws_s3_bucket_versioning");
      expect(versioning).toHaveLength(values(s, "aws_s3_bucket").length);
      expect(versioning.every((v) => v.versioning_configuration.status === "Enabled")).toBe(true);
    }
  });

  control("EC2.2", "the default security group allows no traffic", () => {
    for (const s of Object.values(stacks)) {
      const [sg] = values(s, "aws_default_security_group");
      expect(sg.ingress ?? []).toEqual([]);
      expect(sg.egress ?? []).toEqual([]);
    }
  });

  control("EC2.6", "VPC flow logging is enabled", () => {
    for (const s of Object.values(stacks)) {
      expect(values(s, "aws_flow_log")).toEqual([expect.objectContaining({ traffic_type: "ALL" })]);
    }
  });

  control("EC2.15", "subnets do not assign public IPs on launch", () => {
    for (const s of Object.values(stacks)) {
      expect(values(s, "aws_subnet").every((subnet) => subnet.map_public_ip_on_launch !== true)).toBe(true);
    }
  });

  control("EC2.18", "security groups allow no unrestricted ingress", () => {
    for (const s of Object.values(stacks)) {
      for (const rule of values(s, "aws_vpc_security_group_ingress_rule")) {
        expect(rule.cidr_ipv4).toBeUndefined();
        expect(rule.referenced_security_group_id).toMatch(/aws_security_group/);
      }
    }
  });

  control("EC2.21", "network ACLs allow no ingress from 0.0.0.0/0 to port 22 or 3389", () => {
    for (const s of Object.values(stacks)) {
      const acls = values(s, "aws_network_acl");
      expect(acls.length).toBe(2);
      for (const acl of acls) {
        for (const rule of acl.ingress) {
          if (rule.action === "allow" && rule.cidr_block === "0.0.0.0/0") {
            for (const port of [22, 3389]) {
              expect(port >= rule.from_port && port <= rule.to_port).toBe(false);
            }
          }
        }
      }
      expect(values(s, "aws_default_network_acl")[0].ingress).toBeUndefined();
    }
  });

  control("IAM.1", "no policy allows full administrative privileges", () => {
    for (const s of Object.values(stacks)) {
      for (const st of statements(s).filter((x) => x.Effect === "Allow")) {
        expect(asList(st.Action)).not.toContain("*");
      }
    }
  });

  control("IAM.21", "policies allow no wildcard actions", () => {
    for (const s of Object.values(stacks)) {
      for (const st of statements(s).filter((x) => x.Effect === "Allow")) {
        for (const action of asList<string>(st.Action)) {
          expect(action).not.toContain("*");
        }
      }
    }
  });

  control("KMS.4", "KMS key rotation is enabled", () => {
    for (const s of Object.values(stacks)) {
      const keys = values(s, "aws_kms_key");
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((k) => k.enable_key_rotation === true)).toBe(true);
    }
  });

  control("SNS.1", "topics are encrypted at rest with KMS", () => {
    for (const s of Object.values(stacks)) {
      for (const topic of values(s, "aws_sns_topic")) {
        expect(topic.kms_master_key_id).toMatch(/aws_kms_key/);
      }
    }
  });

  control("CloudWatch.15", "alarms have actions configured", () => {
    for (const s of Object.values(stacks)) {
      for (const alarm of values(s, "aws_cloudwatch_metric_alarm")) {
        expect(alarm.alarm_actions.length).toBeGreaterThan(0);
        expect(alarm.ok_actions.length).toBeGreaterThan(0);
      }
    }
  });

  control("CloudWatch.16", "log groups are retained for a specified period", () => {
    for (const s of Object.values(stacks)) {
      for (const group of values(s, "aws_cloudwatch_log_group")) {
        expect(group.retention_in_days).toBeGreaterThan(0);
      }
    }
  });

  test("docs/security.md marks exactly these controls as checked by jest", () => {
    const doc = fs.readFileSync(path.resolve(__dirname, "../../../docs/security.md"), "utf8");
    const rows = doc.split("\n").filter((l) => /^\| [A-Za-z0-9]+\.\d+ /.test(l));
    const documentedAsJest = rows
      .filter((l) => /\| jest \|/.test(l))
      .map((l) => l.split("|")[1].replace("†", "").trim());
    expect(documentedAsJest.sort()).toEqual([...checked].sort());
    // Every row gives a verdict for each environment.
    for (const row of rows) {
      expect(row.split("|").length).toBeGreaterThanOrEqual(7);
    }
  });
});
