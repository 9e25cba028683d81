import * as fs from "fs";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Architecture } from "../src/architecture";
import { SpacyLayer, type SpacyLayerProps } from "../src/spacy-layer";
import { MISSING_ZIP, allowedActionsOf, all, only, policyDocuments, synth, type Synthesized } from "./harness";

function synthLayer(props: SpacyLayerProps): Synthesized & { layer: SpacyLayer } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const layer = new SpacyLayer(stack, "layer", props);
  return { ...synth(stack), layer };
}

describe("SpacyLayer from a zip", () => {
  let out: Synthesized;
  let layer: SpacyLayer;
  beforeAll(() => {
    expect(fs.existsSync(MISSING_ZIP)).toBe(false);
    ({ layer, ...out } = synthLayer({ name: "spacy-dev", zipPath: MISSING_ZIP }));
  });

  test("synthesizes without the zip, leaving plan to report it with a build instruction", () => {
    const object = only(out, "aws_s3_object");
    expect(object.key).toBe("layers/spacy-dev/spacy-layer-python3.12-x86_64.zip");
    // Terraform rejects a precondition that references no object, hence the local.
    const [[localName, localValue]] = Object.entries(out.locals ?? {});
    expect(object.source).toBe(`\${local.${localName}}`);
    // Relative to the stack directory, so the synthesized JSON does not depend on where the repo lives.
    const stackDir = path.resolve(Testing.app().outdir, "stacks", "test");
    expect(localValue).toBe(`\${path.module}/${path.relative(stackDir, MISSING_ZIP)}`);
    expect(object.lifecycle.precondition).toEqual([
      {
        condition: `\${fileexists(local.${localName})}`,
        error_message:
          `spaCy layer zip not found at ${path.relative(process.cwd(), MISSING_ZIP)}: build it with ` +
          `\`npx serverless-spacy-layer build --arch x86_64 --out ` +
          `${path.relative(process.cwd(), path.dirname(MISSING_ZIP))}\` ` +
          "(in the serverless-spacy repository: `pnpm build:layer`)",
      },
    ]);
    // Hashing a missing file would fail before the precondition could explain; the hash is guarded.
    const guarded = `\${fileexists(local.${localName}) ? filebase64sha256(local.${localName}) : null}`;
    expect(object.source_hash).toBe(guarded);
    expect(only(out, "aws_lambda_layer_version").source_code_hash).toBe(guarded);
  });

  test("publishes the uploaded object version for python3.12 on its architecture", () => {
    const objectId = Object.keys(all(out, "aws_s3_object"))[0];
    expect(only(out, "aws_lambda_layer_version")).toMatchObject({
      layer_name: "spacy-dev",
      s3_bucket: expect.stringMatching(/^\$\{aws_s3_bucket\./),
      s3_key: `\${aws_s3_object.${objectId}.key}`,
      s3_object_version: `\${aws_s3_object.${objectId}.version_id}`,
      compatible_runtimes: ["python3.12"],
      compatible_architectures: ["x86_64"],
    });
    expect(layer.layerArn).toMatch(/^\$\{TfToken/);
    expect(layer.artifactsBucketName).toMatch(/^\$\{TfToken/);
    expect(layer.architecture).toBe("x86_64");
  });

  test("the artifacts bucket is private, owner-enforced, encrypted, versioned and kept on destroy", () => {
    expect(only(out, "aws_s3_bucket")).toMatchObject({ bucket_prefix: "spacy-dev-layer-", force_destroy: false });
    expect(only(out, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(out, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(only(out, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(only(out, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(only(out, "aws_s3_bucket_lifecycle_configuration").rule[0].noncurrent_version_expiration).toEqual([
      { noncurrent_days: 30 },
    ]);
  });

  test("the bucket policy denies every S3 action without TLS (s3:*, not a list that misses new actions)", () => {
    const [statement] = JSON.parse(only(out, "aws_s3_bucket_policy").policy).Statement;
    expect(statement).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(statement.Action).toBe("s3:*");
    expect(statement.Resource).toHaveLength(2);
    expect(allowedActionsOf(policyDocuments(out)).filter((a) => a.includes("*"))).toEqual([]);
  });

  test("uploads only after the bucket's protections are in place", () => {
    const dependsOn: string[] = only(out, "aws_s3_object").depends_on;
    for (const type of [
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_policy",
    ]) {
      expect(dependsOn).toEqual(expect.arrayContaining([`${type}.${Object.keys(all(out, type))[0]}`]));
    }
  });
});

describe("SpacyLayer options", () => {
  test("the default zip path follows the architecture and is absolute", () => {
    const out = synthLayer({ architecture: Architecture.ARM64 });
    const expected = path.resolve(__dirname, "..", "layer", "dist", "spacy-layer-python3.12-arm64.zip");
    expect(SpacyLayer.defaultZipPath(Architecture.ARM64)).toBe(expected);
    expect(Object.values(out.locals ?? {})[0]).toMatch(
      /^\$\{path\.module\}\/(\.\.\/)+.*modules\/spacy-function\/layer\/dist\/spacy-layer-python3\.12-arm64\.zip$/,
    );
    expect(only(out, "aws_s3_object").lifecycle.precondition[0].error_message).toContain(
      "`npx serverless-spacy-layer build --arch arm64 --out ",
    );
    expect(only(out, "aws_lambda_layer_version").compatible_architectures).toEqual(["arm64"]);
    expect(out.layer.zipPath).toBe(expected);
  });

  test("KMS encryption with a bucket key, and force destroy for dev", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
    const out = synthLayer({ zipPath: MISSING_ZIP, kmsKeyArn, forceDestroyArtifacts: true });
    expect(only(out, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: kmsKeyArn },
        bucket_key_enabled: true,
      },
    ]);
    expect(only(out, "aws_s3_bucket").force_destroy).toBe(true);
  });

  test("an existing artifacts bucket is used as-is", () => {
    const out = synthLayer({ zipPath: MISSING_ZIP, artifactsBucket: "shared-artifacts" });
    expect(all(out, "aws_s3_bucket")).toEqual({});
    expect(all(out, "aws_s3_bucket_policy")).toEqual({});
    expect(only(out, "aws_s3_object").bucket).toBe("shared-artifacts");
    // A bucket we did not create may not be versioned; the hash alone triggers republishing.
    expect(only(out, "aws_lambda_layer_version").s3_object_version).toBeUndefined();
    expect(out.layer.artifactsBucketName).toBe("shared-artifacts");
  });

  test("an existing layer ARN creates nothing", () => {
    const layerArn = "arn:aws:lambda:eu-west-1:123456789012:layer:spacy:7";
    const out = synthLayer({ layerArn, architecture: Architecture.ARM64 });
    expect(out.resource ?? {}).toEqual({});
    expect(out.layer.layerArn).toBe(layerArn);
    expect(out.layer.architecture).toBe("arm64");
    expect(out.layer.artifactsBucketName).toBeUndefined();
    expect(out.layer.zipPath).toBeUndefined();
  });
});

describe("SpacyLayer validation", () => {
  const cases: [string, SpacyLayerProps, RegExp[]][] = [
    ["bad architecture", { architecture: "sparc" as never }, [/architecture/, /"sparc"/, /x86_64, arm64/]],
    [
      "layerArn with a zip",
      { layerArn: "arn:aws:lambda:eu-west-1:123456789012:layer:spacy:7", zipPath: "/x.zip" },
      [/zipPath must be unset with layerArn \(an existing layer is used as-is: nothing is uploaded\), got "\/x\.zip"$/],
    ],
    [
      "layerArn without a version",
      { layerArn: "arn:aws:lambda:eu-west-1:123456789012:layer:spacy" },
      [/layerArn/, /:layer:spacy"/, /<version>/],
    ],
    [
      "zip path not a zip",
      { zipPath: "/tmp/layer.tar.gz" },
      [/zipPath must be a \.zip file built by `pnpm build:layer`, got "\/tmp\/layer\.tar\.gz"$/],
    ],
    [
      "forceDestroyArtifacts with layerArn",
      { layerArn: "arn:aws:lambda:eu-west-1:123456789012:layer:spacy:7", forceDestroyArtifacts: true },
      [/forceDestroyArtifacts must be unset with layerArn .*, got true$/],
    ],
    ["bad layer name", { name: "spacy layer" }, [/name/, /"spacy layer"/, /1–140 characters/]],
    [
      "kms with an existing bucket",
      { artifactsBucket: "shared-artifacts", kmsKeyArn: "arn:aws:kms:x" },
      [
        /kmsKeyArn must be unset with artifactsBucket \(.*configure an existing one where it is defined\), got "arn:aws:kms:x"$/,
      ],
    ],
    [
      "bad bucket name",
      { artifactsBucket: "Shared_Artifacts" },
      [/artifactsBucket/, /"Shared_Artifacts"/, /S3 bucket name/],
    ],
  ];
  test.each(cases)("%s", (_title, props, patterns) => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(() => new SpacyLayer(stack, "layer", props)).toThrow(/^test\/layer: /);
    for (const pattern of patterns) {
      expect(() => new SpacyLayer(new TerraformStack(Testing.app(), "test"), "layer", props)).toThrow(pattern);
    }
  });
});
