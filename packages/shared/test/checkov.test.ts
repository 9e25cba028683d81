import * as fs from "fs";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CHECKOV_SKIP_REASONS, skipCheckov } from "../src/internal";

const repo = path.resolve(__dirname, "..", "..", "..");

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      return e.name === "node_modules" || e.name === "dist" ? [] : sources(full);
    }
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

describe("skipCheckov", () => {
  test("writes a resource's skip on the resource and a data source's on its stack, by logical id", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const logs = new CloudwatchLogGroup(stack, "logs", { name: "x" });
    const region = new DataAwsRegion(stack, "region");
    skipCheckov(logs, "CKV_AWS_158");
    skipCheckov(region, "CKV_AWS_999", "a reason of its own");
    // toTerraform keeps the "//" comments that Testing.synth drops; cdk.tf.json holds them as here.
    const out = stack.toTerraform();
    expect(out.resource.aws_cloudwatch_log_group.logs["//"].checkov).toEqual({
      skip: { CKV_AWS_158: CHECKOV_SKIP_REASONS.CKV_AWS_158 },
    });
    expect(out["//"].checkov.skip_data).toEqual({ [region.friendlyUniqueId]: { CKV_AWS_999: "a reason of its own" } });
  });

  test("refuses a check without a shared reason when none is given", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const logs = new CloudwatchLogGroup(stack, "logs", { name: "x" });
    expect(() => (skipCheckov as (r: unknown, c: string) => void)(logs, "CKV_AWS_1")).toThrow(/no shared reason/);
  });

  // One way to write a skip, so scripts/tf/checkov_scan.py and a reviewer read one shape.
  test("no construct writes a checkov skip except through skipCheckov", () => {
    const files = [
      ...sources(path.join(repo, "examples", "src")),
      ...["apps", "modules", "packages"].flatMap((top) =>
        fs
          .readdirSync(path.join(repo, top), { withFileTypes: true })
          .flatMap((e) => (e.isDirectory() ? sources(path.join(repo, top, e.name, "src")) : [])),
      ),
    ];
    const own = path.join(repo, "packages", "shared", "src", "constructs", "checkov.ts");
    expect(files).toContain(own);
    expect(files.length).toBeGreaterThan(40);
    const raw = files
      .filter((file) => file !== own && /\/\/\.checkov\.skip/.test(fs.readFileSync(file, "utf8")))
      .map((file) => path.relative(repo, file));
    expect(raw).toEqual([]);
  });
});
