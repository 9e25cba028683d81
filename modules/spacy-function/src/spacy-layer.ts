import * as path from "path";
import { App, Fn, TerraformLocal, TerraformStack, Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { skipCheckov } from "@serverless-spacy/shared/internal";
import { LambdaLayerVersion } from "@cdktf/provider-aws/lib/lambda-layer-version";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { HardenedBucket } from "@serverless-spacy/shared";
import { ARCHITECTURES, Architecture, LAYER_RUNTIME } from "./architecture";
import { assertIntegerInRange, assertMatches, assertOneOf, invalid } from "@serverless-spacy/shared/internal";

/** What a function needs to know about the layer that carries spaCy. */
export interface ISpacyLayer {
  /** ARN of the layer version, including the version number. */
  readonly layerArn: string;
  /** Instruction set the layer's compiled wheels are built for. */
  readonly architecture: Architecture;
  /** Runtimes the layer's site-packages work with. */
  readonly compatibleRuntimes: string[];
}

/** Settings of a SpacyLayer: an existing layer version (layerArn), or the zip to publish and its bucket. */
export interface SpacyLayerProps {
  /** Name of the layer, and prefix of the artifacts bucket's name. @default the construct id */
  readonly name?: string;
  /**
   * ARN of an existing layer version (with its version number) to use as-is; nothing is created. @default a layer
   * version is published from zipPath
   */
  readonly layerArn?: string;
  /**
   * Layer zip built by `serverless-spacy-layer build` (or `pnpm build:layer` here); a relative path resolves against
   * the working directory. @default SpacyLayer.defaultZipPath(architecture): this package's
   * layer/dist/spacy-layer-python3.12-<architecture>.zip
   */
  readonly zipPath?: string;
  /** Instruction set the layer's wheels are built for; must match the function's. @default Architecture.X86_64 */
  readonly architecture?: Architecture;
  /**
   * Name of an existing private bucket to upload the zip to instead of creating one. @default a private, versioned,
   * encrypted bucket is created
   */
  readonly artifactsBucket?: string;
  /**
   * Customer-managed KMS key for the created bucket's default encryption (deployers need kms:GenerateDataKey and
   * kms:Decrypt on it). @default SSE-S3 (AES256)
   */
  readonly kmsKeyArn?: string;
  /** Let `destroy` delete the created bucket with the zips still in it (dev environments). @default false */
  readonly forceDestroyArtifacts?: boolean;
  /**
   * Days an overwritten zip's old versions stay in the created bucket; published layer versions keep their own copy.
   * @default 30
   */
  readonly noncurrentVersionRetentionDays?: number;
  /** Tags added to every resource, on top of the provider's default tags. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The Lambda layer that carries spaCy and its compiled dependencies.
 *
 * Either wraps an existing layer version (`layerArn`), or publishes the zip built by `pnpm build:layer`.
 * It always goes through a private S3 bucket: the x86_64 zip is 58 MB with its bytecode, over Lambda's 50 MB
 * direct-upload limit, and one upload path keeps plans the same whatever the size.
 * Synth never reads the zip: Terraform gets its path relative to the stack directory, and a
 * precondition makes plan/apply fail with a build instruction when it is missing.
 */
export class SpacyLayer extends Construct implements ISpacyLayer {
  /** The zip name `serverless-spacy-layer build` (`pnpm build:layer`) writes for an architecture. */
  public static zipName(architecture: Architecture): string {
    return `spacy-layer-${LAYER_RUNTIME}-${architecture}.zip`;
  }

  /** Where `pnpm build:layer` writes the zip for an architecture: this package's `layer/dist`. */
  public static defaultZipPath(architecture: Architecture): string {
    return path.resolve(__dirname, "..", "layer", "dist", SpacyLayer.zipName(architecture));
  }

  /** ARN of the layer version, including the version number. */
  public readonly layerArn: string;
  /** Instruction set the layer's compiled wheels are built for. */
  public readonly architecture: Architecture;
  /** Runtimes the layer works with: the one `pnpm build:layer` targets. */
  public readonly compatibleRuntimes: string[] = [LAYER_RUNTIME];
  /** Bucket the zip is uploaded to (created or given); undefined when an existing layerArn is used. */
  public readonly artifactsBucketName?: string;
  /** Absolute path of the zip Terraform uploads; undefined when an existing layerArn is used. */
  public readonly zipPath?: string;

  constructor(scope: Construct, id: string, props: SpacyLayerProps = {}) {
    super(scope, id);
    const name = props.name ?? id;
    const architecture = props.architecture ?? Architecture.X86_64;
    validate(this.node.path, name, architecture, props);
    this.architecture = architecture;

    if (props.layerArn !== undefined) {
      this.layerArn = props.layerArn;
      return;
    }

    const zipPath = path.resolve(props.zipPath ?? SpacyLayer.defaultZipPath(architecture));
    this.zipPath = zipPath;
    const tags = props.tags ?? {};

    let bucketName: string;
    let versioned = false;
    const objectDependsOn: ITerraformDependable[] = [];
    if (props.artifactsBucket !== undefined) {
      bucketName = props.artifactsBucket;
    } else {
      const bucket = this.createBucket(name, props, tags);
      bucketName = bucket.bucketName;
      versioned = true;
      objectDependsOn.push(...bucket.settings);
    }
    this.artifactsBucketName = bucketName;

    // Relative to the synthesized stack directory, so cdk.tf.json is the same on every machine and checkout.
    const stackDir = path.resolve(App.of(this).outdir, "stacks", TerraformStack.of(this).node.id);
    const relativeZip = path.relative(stackDir, zipPath);
    const shownPath = path.relative(process.cwd(), zipPath) || zipPath;
    const missing =
      `spaCy layer zip not found at ${shownPath}: build it with \`npx serverless-spacy-layer build --arch ` +
      `${architecture} ` +
      `--out ${path.dirname(shownPath)}\` (in the serverless-spacy repository: \`pnpm build:layer\`)`;
    // Terraform rejects a precondition that references nothing ("must refer to at least one object"),
    // so the path goes through a local rather than being a literal in the condition.
    const zipLocal = new TerraformLocal(this, "layer-zip-path", `\${path.module}/${relativeZip}`).asString;
    const zipExists = Fn.fileexists(zipLocal);
    // Without the guard Terraform would fail on filebase64sha256 of a missing file before the precondition
    // gets to explain what to do.
    const zipHash = Fn.conditional(zipExists, Fn.filebase64sha256(zipLocal), Token.nullValue());

    const object = new S3Object(this, "layer-zip", {
      bucket: bucketName,
      key: `layers/${name}/${path.basename(zipPath)}`,
      source: zipLocal,
      // source_hash rather than etag: the etag of a multipart or KMS-encrypted upload is not the file's MD5.
      sourceHash: zipHash,
      contentType: "application/zip",
      tags,
      dependsOn: objectDependsOn,
      lifecycle: { precondition: [{ condition: zipExists, errorMessage: missing }] },
    });

    const layer = new LambdaLayerVersion(this, "layer", {
      layerName: name,
      description: `spaCy for ${LAYER_RUNTIME} (${architecture})`,
      s3Bucket: bucketName,
      s3Key: object.key,
      // Pins the exact upload in the versioned bucket we created; a given bucket may not be versioned.
      s3ObjectVersion: versioned ? object.versionId : undefined,
      // Layer versions are immutable: a changed hash publishes a new version.
      sourceCodeHash: zipHash,
      compatibleRuntimes: this.compatibleRuntimes,
      compatibleArchitectures: [architecture],
    });
    this.layerArn = layer.arn;
  }

  private createBucket(name: string, props: SpacyLayerProps, tags: Record<string, string>): HardenedBucket {
    // The bucket and its settings keep the addresses they had before HardenedBucket: the bucket is its
    // "Default" child, the settings "artifacts-…" beside it.
    const artifacts = new HardenedBucket(this, "artifacts", {
      // Bucket names are global; a prefix lets Terraform add a unique suffix.
      bucketPrefix: `${bucketSlug(name)}-layer-`,
      kmsKeyArn: props.kmsKeyArn,
      noncurrentVersionRetentionDays: props.noncurrentVersionRetentionDays ?? 30,
      lifecycleRuleId: "expire-replaced-layer-zips",
      forceDestroy: props.forceDestroyArtifacts ?? false,
      tags: { ...tags, Name: `${name}-layer-artifacts` },
    });
    const bucket = artifacts.bucket;
    skipCheckov(
      bucket,
      "CKV_AWS_18",
      "Holds only the layer zip Terraform uploads; CloudTrail records who writes it, and server access logs would " +
        "need a second bucket that itself has no one to log to.",
    );
    skipCheckov(
      bucket,
      "CKV2_AWS_62",
      "Nothing consumes events from this bucket: Terraform uploads the zip and publishes the layer from it itself.",
    );
    skipCheckov(
      bucket,
      "CKV_AWS_144",
      "The zip is a build artifact reproducible with `pnpm build:layer`, and each published layer version keeps its " +
        "own copy; a replica in a second region would protect nothing.",
    );
    return artifacts;
  }
}

/** Lowercase, S3-safe, short enough that bucket_prefix stays within its 37 characters. */
function bucketSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^-+/, "")
    .slice(0, 30)
    .replace(/-+$/, "");
  return slug || "spacy";
}

function validate(path: string, name: string, architecture: Architecture, props: SpacyLayerProps): void {
  assertMatches(path, "name", name, /^[A-Za-z0-9_-]{1,140}$/, "1–140 characters of A-Z, a-z, 0-9, - and _");
  assertOneOf(path, "architecture", architecture, ARCHITECTURES);
  if (props.layerArn !== undefined) {
    for (const field of uploadSettings(props, [
      "zipPath",
      "artifactsBucket",
      "kmsKeyArn",
      "noncurrentVersionRetentionDays",
    ])) {
      invalid(path, field, "unset with layerArn (an existing layer is used as-is: nothing is uploaded)", props[field]);
    }
    assertMatches(
      path,
      "layerArn",
      props.layerArn,
      /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/,
      "a layer version ARN like arn:aws:lambda:<region>:<account>:layer:<name>:<version>",
    );
  }
  assertMatches(path, "zipPath", props.zipPath, /\.zip$/, "a .zip file built by `pnpm build:layer`");
  if (props.artifactsBucket !== undefined) {
    for (const field of uploadSettings(props, ["kmsKeyArn", "noncurrentVersionRetentionDays"])) {
      invalid(
        path,
        field,
        "unset with artifactsBucket (it configures the bucket this construct creates; configure an existing one " +
          "where it is defined)",
        props[field],
      );
    }
  }
  assertMatches(
    path,
    "artifactsBucket",
    props.artifactsBucket,
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    "an S3 bucket name (3–63 characters of a-z, 0-9, . and -)",
  );
  assertIntegerInRange(path, "noncurrentVersionRetentionDays", props.noncurrentVersionRetentionDays, 1, 3650, "days");
}

/** The given settings that are set, plus forceDestroyArtifacts when true (false is the harmless default). */
function uploadSettings(props: SpacyLayerProps, keys: (keyof SpacyLayerProps)[]): (keyof SpacyLayerProps)[] {
  const set = keys.filter((k) => props[k] !== undefined);
  return props.forceDestroyArtifacts ? [...set, "forceDestroyArtifacts"] : set;
}
