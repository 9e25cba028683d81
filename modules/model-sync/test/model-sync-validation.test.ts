import type * as fs from "fs";
import * as path from "path";
import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TestModelStore } from "./test-model-store";
import { ModelSource, ModelSourceKind, ModelSync, type ModelSyncProps } from "../src";
import { MODEL_SYNC_CODE_DIR } from "../src/model-sync";

const SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1"];
const SHA = "ab".repeat(32);
const LG = ModelSource.spacyRelease("en_core_web_lg", "3.8.0", SHA);

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

describe("ModelSource", () => {
  test("spacyReleaseUrl builds spaCy's GitHub release asset URL", () => {
    expect(ModelSource.spacyReleaseUrl("en_core_web_lg", "3.8.0")).toBe(
      "https://github.com/explosion/spacy-models/releases/download/en_core_web_lg-3.8.0/en_core_web_lg-3.8.0-py3-none-any.whl",
    );
  });
  test("the factories give each kind its fields", () => {
    expect({ ...ModelSource.spacyRelease("en_core_web_lg", "3.8.0", SHA) }).toEqual({
      kind: ModelSourceKind.WHEEL_URL,
      sha256: SHA,
      location: ModelSource.spacyReleaseUrl("en_core_web_lg", "3.8.0"),
      bucket: undefined,
      key: undefined,
    });
    expect(ModelSource.indexUrl("https://pypi.org/simple", SHA)).toMatchObject({ kind: "index_url" });
    expect(ModelSource.findLinks("/opt/wheels", SHA)).toMatchObject({ kind: "find_links", location: "/opt/wheels" });
    expect(ModelSource.s3("b", "k.whl", SHA)).toMatchObject({
      kind: "s3",
      bucket: "b",
      key: "k.whl",
      location: undefined,
    });
  });

  test("fromConfig builds the source a configuration describes", () => {
    for (const source of [
      ModelSource.wheelUrl("https://x.example/m.whl", SHA),
      ModelSource.indexUrl("https://pypi.org/simple", SHA),
      ModelSource.findLinks("/opt/wheels", SHA),
      ModelSource.s3("acme-models", "m.whl", SHA),
    ]) {
      expect(ModelSource.fromConfig({ ...source })).toEqual(source);
    }
  });

  test("fromConfig refuses a kind without its fields, or an unknown kind", () => {
    expect(() => ModelSource.fromConfig({ kind: ModelSourceKind.S3, bucket: "b", sha256: SHA })).toThrow(
      'ModelSource.fromConfig: key must be set for kind "s3", got undefined',
    );
    expect(() => ModelSource.fromConfig({ kind: ModelSourceKind.INDEX_URL, sha256: SHA })).toThrow(
      'ModelSource.fromConfig: location must be set for kind "index_url", got undefined',
    );
    expect(() => ModelSource.fromConfig({ kind: "git" as never, location: "https://x", sha256: SHA })).toThrow(
      'ModelSource.fromConfig: kind must be one of wheel_url, index_url, find_links, s3, got "git"',
    );
  });
});

describe("ModelSync validation", () => {
  // Every error names the construct path, the field, the offending value and what is allowed.
  test.each<[string, Partial<ModelSyncProps>, RegExp]>([
    [
      "name with a space",
      { name: "my sync" },
      /^test\/sync: name must be 1–64 characters of A-Z, a-z, 0-9, - and _, got "my sync"$/,
    ],
    ["name too long for a function name", { name: "x".repeat(65) }, /name must be 1–64 characters.*got "x{65}"/],
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
    ["empty subnets", { subnetIds: [] }, /subnetIds must be a list of 1–16 private subnet ids, got \[\]/],
    [
      "a boundary with an existing role",
      { role: { roleArn: "arn:aws:iam::1:role/r", roleName: "r" }, permissionsBoundary: "arn:aws:iam::1:policy/b" },
      /permissionsBoundary must be unset when role is given \(it applies to a role the construct creates\), got "arn:aws:iam::1:policy\/b"/,
    ],
    [
      "a boundary that is not a managed policy ARN",
      { permissionsBoundary: "team-boundary" },
      /permissionsBoundary must be a managed policy ARN .*got "team-boundary"/,
    ],
    [
      "no layer",
      { layerArns: [] },
      /layerArns must be a list of 1–5 layer ARNs \(the spaCy layer, which carries pip\), got \[\]/,
    ],
    [
      "six layers",
      { layerArns: Array.from({ length: 6 }, (_, i) => `arn:aws:lambda:eu-west-1:1:layer:l${i}:1`) },
      /layerArns must be a list of 1–5 layer ARNs .* got \["arn:aws:lambda:eu-west-1:1:layer:l0:1"/,
    ],
    [
      "mount path outside /mnt",
      { mountPath: "/models" },
      /mountPath must be one directory directly under \/mnt\/ \(Lambda only mounts file systems there\), like "\/mnt\/models", got "\/models"/,
    ],
    ["nested mount path", { mountPath: "/mnt/a/b" }, /mountPath .* got "\/mnt\/a\/b"/],
    ["negative keepVersions", { keepVersions: -1 }, /keepVersions must be an integer in 1–100, got -1/],
    [
      "keepVersions 0, which would retire the version still being served",
      { keepVersions: 0 },
      /keepVersions must be an integer in 1–100, got 0/,
    ],
    ["fractional keepVersions", { keepVersions: 1.5 }, /keepVersions must be an integer in 1–100, got 1\.5/],
    ["memory too small", { memorySize: 64 }, /memorySize must be an integer in 128–10240 \(MB\), got 64/],
    ["timeout over Lambda's maximum", { timeout: 901 }, /timeout must be an integer in 1–900 \(seconds\), got 901/],
    [
      "ephemeral storage too small",
      { ephemeralStorageMb: 256 },
      /ephemeralStorageMb must be an integer in 512–10240 \(MB\), got 256/,
    ],
    ["ephemeral storage too large", { ephemeralStorageMb: 20480 }, /ephemeralStorageMb .* got 20480/],
    ["unknown architecture", { architecture: "arm32" }, /architecture must be one of x86_64, arm64, got "arm32"/],
    [
      "non-Python runtime",
      { runtime: "nodejs20.x" },
      /runtime must be a Python runtime like "python3\.12" \(the sync is Python\), got "nodejs20\.x"/,
    ],
    [
      "retention CloudWatch does not offer",
      { logRetentionDays: 31 },
      /logRetentionDays must be one of 1, 3, .*, 3653, got 31/,
    ],
    ["retention that never expires", { logRetentionDays: 0 }, /logRetentionDays must be one of 1, 3, .*, 3653, got 0/],
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
    ["a short sha256", ModelSource.wheelUrl("https://x.example/m.whl", "abc"), /model\.source\.sha256 .* got "abc"/],
    [
      "an upper-case sha256",
      ModelSource.wheelUrl("https://x.example/m.whl", "AB".repeat(32)),
      /model\.source\.sha256 .* got "ABAB/,
    ],
    [
      "a sha256: prefix",
      ModelSource.wheelUrl("https://x.example/m.whl", `sha256:${"ab".repeat(32)}`),
      /model\.source\.sha256 .* got "sha256:abab/,
    ],
    [
      "credentials in an index URL",
      ModelSource.indexUrl("https://user:token@pypi.internal.example/simple/", SHA),
      /model\.source\.location must be free of credentials \(user:password@\).*, got "https:\/\/\*\*\*@pypi\.internal\.example\/simple\/"$/,
    ],
    [
      "a token as the URL's user",
      ModelSource.indexUrl("https://token@pypi.internal.example/simple/", SHA),
      /must be free of credentials .*, got "https:\/\/\*\*\*@pypi/,
    ],
    [
      "a URL that only WHATWG parsing repairs",
      ModelSource.indexUrl("https:/pypi.internal.example/simple", SHA),
      /location must be an https URL .* for kind "index_url", got "https:\/pypi\.internal\.example\/simple"/,
    ],
    [
      "a file:// find-links URL",
      ModelSource.findLinks("file:///opt/wheels", SHA),
      /location must be an https URL \(http only for 127\.0\.0\.1 or localhost\) or an absolute path for kind "find_links", got "file:\/\/\/opt\/wheels"/,
    ],
    [
      "an s3 bucket with upper case",
      ModelSource.s3("Acme_Models", "m.whl", SHA),
      /model\.source\.bucket must be an S3 bucket name .* got "Acme_Models"/,
    ],
    [
      "an s3 key that is not a wheel",
      ModelSource.s3("acme-models", "m.tar.gz", SHA),
      /model\.source\.key must be the key of a \.whl file \(pip installs wheels\), got "m\.tar\.gz"/,
    ],
    [
      "an empty s3 key",
      ModelSource.s3("acme-models", "", SHA),
      /model\.source\.key must be an S3 key of 1 to 1024 printable characters, got ""/,
    ],
    [
      "a plain-http wheel URL",
      ModelSource.wheelUrl("http://models.example/en_core_web_lg-3.8.0-py3-none-any.whl", SHA),
      /model\.source\.location must be an https URL \(http only for 127\.0\.0\.1 or localhost\) for kind "wheel_url", got "http:\/\/models\.example\//,
    ],
    [
      "a wheel URL that is not a wheel",
      ModelSource.wheelUrl("https://models.example/en_core_web_lg-3.8.0.tar.gz", SHA),
      /location must be the URL of a \.whl file for kind "wheel_url", got "https:\/\/models\.example\/en_core_web_lg-3\.8\.0\.tar\.gz"/,
    ],
    [
      "an index given as a path",
      ModelSource.indexUrl("/opt/simple", SHA),
      /location must be an https URL .* for kind "index_url", got "\/opt\/simple"/,
    ],
    [
      "an ftp index",
      ModelSource.indexUrl("ftp://mirror.example/simple", SHA),
      /location must be an https URL .* for kind "index_url", got "ftp:/,
    ],
    [
      "a relative find-links path",
      ModelSource.findLinks("wheels/", SHA),
      /location must be an https URL \(http only for 127\.0\.0\.1 or localhost\) or an absolute path for kind "find_links", got "wheels\/"/,
    ],
    [
      "whitespace",
      ModelSource.findLinks("/opt/my wheels", SHA),
      /model\.source\.location must be .* without whitespace or control characters, got "\/opt\/my wheels"/,
    ],
    [
      "something pip would read as an option",
      ModelSource.findLinks("--index-url=https://evil.example", SHA),
      /without whitespace or control characters, got "--index-url/,
    ],
  ])("rejects %s", (_, source, message) => {
    expect(() => build({}, source)).toThrow(message);
  });

  test.each<[string, ModelSource]>([
    ["an https index", ModelSource.indexUrl("https://pypi.internal.example/simple/", SHA)],
    [
      "a local http wheel (tests)",
      ModelSource.wheelUrl("http://127.0.0.1:8080/en_core_web_lg-3.8.0-py3-none-any.whl", SHA),
    ],
    ["a localhost index (tests)", ModelSource.indexUrl("http://localhost:3141/simple", SHA)],
    ["find-links in a layer", ModelSource.findLinks("/opt/wheels", SHA)],
    ["find-links over https", ModelSource.findLinks("https://wheels.example/models/", SHA)],
    [
      "a presigned wheel URL",
      ModelSource.wheelUrl("https://b.s3.amazonaws.com/en_core_web_lg-3.8.0-py3-none-any.whl?X-Amz-Signature=abc", SHA),
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
    const s3 = ModelSource.s3("acme.models-1", "team/en_acme_ner-1.0.0-py3-none-any.whl", SHA);
    expect(input(build({}, s3)).source).toEqual({
      kind: "s3",
      bucket: "acme.models-1",
      key: "team/en_acme_ner-1.0.0-py3-none-any.whl",
      sha256: SHA,
    });
  });

  test("refuses a model without a source (nothing unpinned is installed)", () => {
    expect(() => build({ model: { name: "en_core_web_lg", version: "3.8.0" } as never })).toThrow(
      /^test\/sync: model\.source must be a ModelSource pinned by the wheel's sha256 .*, got undefined$/,
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
      const { ModelSync: IsolatedModelSync } = require("../src/model-sync");
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
