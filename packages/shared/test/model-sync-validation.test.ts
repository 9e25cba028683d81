import type * as fs from "fs";
import * as path from "path";
import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TestModelStore } from "./test-model-store";
import {
  MODEL_SYNC_CODE_DIR,
  ModelSync,
  spacyModelWheel,
  spacyModelWheelUrl,
  type ModelSource,
  type ModelSyncProps,
} from "../src/internal";

const SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1"];
const SHA = "ab".repeat(32);
const LG = spacyModelWheel("en_core_web_lg", "3.8.0", SHA);

function build(props: Partial<ModelSyncProps> = {}, source?: ModelSource, id = "sync"): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const store = new TestModelStore(stack, "store", { vpcId: "vpc-1", subnetIds: SUBNETS });
  new ModelSync(stack, id, {
    vpcId: "vpc-1",
    subnetIds: SUBNETS,
    modelStore: store,
    model: { name: "en_core_web_lg", version: "3.8.0", source: source ?? LG },
    layerArns: ["arn:aws:lambda:eu-west-1:123456789012:layer:spacy:1"],
    ...props,
  });
  return stack;
}

const input = (stack: TerraformStack) =>
  JSON.parse(
    (Object.values(JSON.parse(Testing.synth(stack)).resource.aws_lambda_invocation)[0] as { input: string }).input,
  );

describe("spacyModelWheelUrl", () => {
  test("builds spaCy's GitHub release asset URL", () => {
    expect(spacyModelWheelUrl("en_core_web_lg", "3.8.0")).toBe(
      "https://github.com/explosion/spacy-models/releases/download/en_core_web_lg-3.8.0/en_core_web_lg-3.8.0-py3-none-any.whl",
    );
  });
});

describe("ModelSync validation", () => {
  // Every error names the construct path, the field, the offending value and what is allowed.
  test.each<[string, Partial<ModelSyncProps>, RegExp]>([
    [
      "name with a space",
      { name: "my sync" },
      /^test\/sync: name must be 1-64 characters of A-Z.*it names the function.*, got "my sync"$/,
    ],
    ["name too long for a function name", { name: "x".repeat(65) }, /name must be 1-64 characters.*got "x{65}"/],
    [
      "model name with upper case",
      { model: { name: "en_core_web_LG", version: "3.8.0", source: LG } },
      /model\.name must be a spaCy package name "<lang>_<name>" in lower-case snake_case matching .* got "en_core_web_LG"/,
    ],
    [
      "model name without a language prefix",
      { model: { name: "spacymodel", version: "3.8.0", source: LG } },
      /model\.name .* got "spacymodel"/,
    ],
    [
      "model name with a dash",
      { model: { name: "en-core-web-lg", version: "3.8.0", source: LG } },
      /model\.name .* got "en-core-web-lg"/,
    ],
    [
      "version range",
      { model: { name: "en_core_web_lg", version: ">=3.8", source: LG } },
      /model\.version must be an exact PEP 440 version .* \(like "3\.8\.0" or "3\.8\.0rc1"; no ranges, epochs or local parts\), got ">=3\.8"/,
    ],
    [
      "version with a local part",
      { model: { name: "en_core_web_lg", version: "3.8.0+cpu", source: LG } },
      /model\.version .* got "3\.8\.0\+cpu"/,
    ],
    [
      "version with a v prefix",
      { model: { name: "en_core_web_lg", version: "v3.8.0", source: LG } },
      /model\.version .* got "v3\.8\.0"/,
    ],
    ["empty subnets", { subnetIds: [] }, /subnetIds must list 1 to 16 private subnets .* got 0/],
    [
      "a boundary with an existing role",
      { role: { roleArn: "arn:aws:iam::1:role/r", roleName: "r" }, permissionsBoundary: "arn:aws:iam::1:policy/b" },
      /permissionsBoundary applies to a role the sync creates/,
    ],
    [
      "a boundary that is not a managed policy ARN",
      { permissionsBoundary: "team-boundary" },
      /permissionsBoundary must be a managed policy ARN .*got "team-boundary"/,
    ],
    ["no layer", { layerArns: [] }, /layerArns must list 1 to 5 layers \(the spaCy layer, which carries pip\), got 0/],
    [
      "six layers",
      { layerArns: Array.from({ length: 6 }, (_, i) => `arn:aws:lambda:eu-west-1:1:layer:l${i}:1`) },
      /layerArns must list 1 to 5 layers .* got 6/,
    ],
    [
      "mount path outside /mnt",
      { mountPath: "/models" },
      /mountPath must be one directory under \/mnt like "\/mnt\/models" \(Lambda's rule\), got "\/models"/,
    ],
    ["nested mount path", { mountPath: "/mnt/a/b" }, /mountPath .* got "\/mnt\/a\/b"/],
    ["negative keepVersions", { keepVersions: -1 }, /keepVersions must be an integer from 1 to 100, got -1/],
    [
      "keepVersions 0, which would retire the version still being served",
      { keepVersions: 0 },
      /keepVersions must be an integer from 1 to 100, got 0/,
    ],
    ["fractional keepVersions", { keepVersions: 1.5 }, /keepVersions must be an integer from 1 to 100, got 1\.5/],
    ["memory too small", { memorySize: 64 }, /memorySize must be an integer from 128 to 10240 MB, got 64/],
    ["timeout over Lambda's maximum", { timeout: 901 }, /timeout must be an integer from 1 to 900 seconds, got 901/],
    [
      "ephemeral storage too small",
      { ephemeralStorageMb: 256 },
      /ephemeralStorageMb must be an integer from 512 to 10240 MB, got 256/,
    ],
    ["ephemeral storage too large", { ephemeralStorageMb: 20480 }, /ephemeralStorageMb .* got 20480/],
    [
      "unknown architecture",
      { architecture: "arm32" as never },
      /architecture must be one of x86_64, arm64, got "arm32"/,
    ],
    [
      "non-Python runtime",
      { runtime: "nodejs20.x" },
      /runtime must be a Python runtime like "python3\.12" .* got "nodejs20\.x"/,
    ],
    [
      "retention CloudWatch does not offer",
      { logRetentionDays: 31 as never },
      /logRetentionDays must be one of 1, 3, .*, 3653, got 31/,
    ],
    [
      "retention that never expires",
      { logRetentionDays: 0 as never },
      /logRetentionDays must be one of 1, 3, .*, 3653, got 0/,
    ],
  ])("rejects %s", (_, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test.each<[string, ModelSource, RegExp]>([
    [
      "an unknown source kind",
      { kind: "git" as never, location: "https://x.example/m.whl", sha256: SHA },
      /model\.source\.kind must be one of wheel_url, index_url, find_links, s3, got "git"/,
    ],
    [
      "no sha256",
      { kind: "wheel_url", location: "https://x.example/m.whl" } as never,
      /model\.source\.sha256 must be the wheel's sha256 as 64 lowercase hex digits \(pip refuses any other file\), got undefined/,
    ],
    [
      "a short sha256",
      { kind: "wheel_url", location: "https://x.example/m.whl", sha256: "abc" },
      /model\.source\.sha256 .* got "abc"/,
    ],
    [
      "an upper-case sha256",
      { kind: "wheel_url", location: "https://x.example/m.whl", sha256: "AB".repeat(32) },
      /model\.source\.sha256 .* got "ABAB/,
    ],
    [
      "a sha256: prefix",
      { kind: "wheel_url", location: "https://x.example/m.whl", sha256: `sha256:${"ab".repeat(32)}` },
      /model\.source\.sha256 .* got "sha256:abab/,
    ],
    [
      "credentials in an index URL",
      { kind: "index_url", location: "https://user:token@pypi.internal.example/simple/", sha256: SHA },
      /model\.source\.location must not carry credentials \(user:password@\)/,
    ],
    [
      "a token as the URL's user",
      { kind: "index_url", location: "https://token@pypi.internal.example/simple/", sha256: SHA },
      /must not carry credentials/,
    ],
    [
      "a URL that only WHATWG parsing repairs",
      { kind: "index_url", location: "https:/pypi.internal.example/simple", sha256: SHA },
      /for kind "index_url" must be an https URL .* got "https:\/pypi\.internal\.example\/simple"/,
    ],
    [
      "a file:// find-links URL",
      { kind: "find_links", location: "file:///opt/wheels", sha256: SHA },
      /for kind "find_links" must be an https URL \(http only for 127\.0\.0\.1 or localhost\) or an absolute path, got "file:\/\/\/opt\/wheels"/,
    ],
    [
      "an s3 bucket with upper case",
      { kind: "s3", bucket: "Acme_Models", key: "m.whl", sha256: SHA },
      /model\.source\.bucket must be an S3 bucket name .* got "Acme_Models"/,
    ],
    [
      "an s3 key that is not a wheel",
      { kind: "s3", bucket: "acme-models", key: "m.tar.gz", sha256: SHA },
      /model\.source\.key must name a \.whl file \(pip installs wheels\), got "m\.tar\.gz"/,
    ],
    [
      "an empty s3 key",
      { kind: "s3", bucket: "acme-models", key: "", sha256: SHA },
      /model\.source\.key must be an S3 key of 1 to 1024 printable characters, got ""/,
    ],
    [
      "a plain-http wheel URL",
      { kind: "wheel_url", location: "http://models.example/en_core_web_lg-3.8.0-py3-none-any.whl", sha256: SHA },
      /model\.source\.location for kind "wheel_url" must be an https URL \(http only for 127\.0\.0\.1 or localhost\), got "http:\/\/models\.example\//,
    ],
    [
      "a wheel URL that is not a wheel",
      { kind: "wheel_url", location: "https://models.example/en_core_web_lg-3.8.0.tar.gz", sha256: SHA },
      /for kind "wheel_url" must point at a \.whl file, got "https:\/\/models\.example\/en_core_web_lg-3\.8\.0\.tar\.gz"/,
    ],
    [
      "an index given as a path",
      { kind: "index_url", location: "/opt/simple", sha256: SHA },
      /for kind "index_url" must be an https URL .* got "\/opt\/simple"/,
    ],
    [
      "an ftp index",
      { kind: "index_url", location: "ftp://mirror.example/simple", sha256: SHA },
      /for kind "index_url" must be an https URL .* got "ftp:/,
    ],
    [
      "a relative find-links path",
      { kind: "find_links", location: "wheels/", sha256: SHA },
      /for kind "find_links" must be an https URL \(http only for 127\.0\.0\.1 or localhost\) or an absolute path, got "wheels\/"/,
    ],
    [
      "whitespace",
      { kind: "find_links", location: "/opt/my wheels", sha256: SHA },
      /model\.source\.location must be .* without whitespace or control characters, got "\/opt\/my wheels"/,
    ],
    [
      "something pip would read as an option",
      { kind: "find_links", location: "--index-url=https://evil.example", sha256: SHA },
      /without whitespace or control characters, got "--index-url/,
    ],
  ])("rejects %s", (_, source, message) => {
    expect(() => build({}, source)).toThrow(message);
  });

  test.each<[string, ModelSource]>([
    ["an https index", { kind: "index_url", location: "https://pypi.internal.example/simple/", sha256: SHA }],
    [
      "a local http wheel (tests)",
      { kind: "wheel_url", location: "http://127.0.0.1:8080/en_core_web_lg-3.8.0-py3-none-any.whl", sha256: SHA },
    ],
    ["a localhost index (tests)", { kind: "index_url", location: "http://localhost:3141/simple", sha256: SHA }],
    ["find-links in a layer", { kind: "find_links", location: "/opt/wheels", sha256: SHA }],
    ["find-links over https", { kind: "find_links", location: "https://wheels.example/models/", sha256: SHA }],
    [
      "a presigned wheel URL",
      {
        kind: "wheel_url",
        location: "https://b.s3.amazonaws.com/en_core_web_lg-3.8.0-py3-none-any.whl?X-Amz-Signature=abc",
        sha256: SHA,
      },
    ],
  ])("accepts %s", (_, source) => {
    expect(input(build({}, source)).source).toEqual(source);
  });

  test("accepts pre-release and post-release versions, keepVersions 1 and an s3 source", () => {
    expect(input(build({ model: { name: "en_core_web_trf", version: "3.8.0rc1", source: LG } })).version).toBe(
      "3.8.0rc1",
    );
    expect(
      input(build({ model: { name: "xx_ent_wiki_sm", version: "3.7.0.post1", source: LG }, keepVersions: 1 })),
    ).toMatchObject({
      model_name: "xx_ent_wiki_sm",
      version: "3.7.0.post1",
      keep_versions: 1,
    });
    const s3 = {
      kind: "s3" as const,
      bucket: "acme.models-1",
      key: "team/en_acme_ner-1.0.0-py3-none-any.whl",
      sha256: SHA,
    };
    expect(input(build({}, s3)).source).toEqual(s3);
  });

  test("refuses a model without a source (nothing unpinned is installed)", () => {
    expect(() => build({ model: { name: "en_core_web_lg", version: "3.8.0" } as never })).toThrow(
      /^test\/sync: model\.source is required, with the wheel's sha256/,
    );
  });

  test("skips values that are Terraform references, known only at apply", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const version = new TerraformVariable(stack, "model_version", { type: "string" });
    const layer = new TerraformVariable(stack, "layer_arn", { type: "string" });
    const store = new TestModelStore(stack, "store", { vpcId: "vpc-1", subnetIds: SUBNETS });
    new ModelSync(stack, "sync", {
      vpcId: "vpc-1",
      subnetIds: SUBNETS,
      modelStore: store,
      model: { name: "en_core_web_lg", version: version.stringValue, source: LG },
      layerArns: [layer.stringValue],
    });
    const inv = Object.values(JSON.parse(Testing.synth(stack)).resource.aws_lambda_invocation)[0] as Record<
      string,
      any
    >;
    expect(inv.triggers.model_version).toBe("${var.model_version}");
    expect(inv.input).toContain("${var.model_version}");
  });

  test("refuses to package a folder without the sync handler", () => {
    const handlerFile = path.join(MODEL_SYNC_CODE_DIR, "model_sync.py");
    jest.isolateModules(() => {
      // A fresh module registry where only the handler file is missing.
      jest.doMock("fs", () => {
        const real = jest.requireActual("fs");
        return { ...real, existsSync: (p: fs.PathLike) => p !== handlerFile && real.existsSync(p) };
      });
      const { ModelSync: IsolatedModelSync } = require("../src/model-sync/model-sync");
      const cdktf = require("cdktf");
      const { TestModelStore: IsolatedStore } = require("./test-model-store");
      const stack = new cdktf.TerraformStack(cdktf.Testing.app(), "test");
      const store = new IsolatedStore(stack, "store", { vpcId: "vpc-1", subnetIds: SUBNETS });
      expect(
        () =>
          new IsolatedModelSync(stack, "sync", {
            vpcId: "vpc-1",
            subnetIds: SUBNETS,
            modelStore: store,
            model: { name: "en_core_web_lg", version: "3.8.0", source: LG },
            layerArns: ["arn:aws:lambda:eu-west-1:123456789012:layer:spacy:1"],
          }),
      ).toThrow(
        `test/sync: the sync handler ${handlerFile} is missing (handler "model_sync.handler"); the function has no ` +
          `code to package`,
      );
    });
  });
});
