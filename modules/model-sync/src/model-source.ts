import { invalid } from "@serverless-spacy/shared/internal";

/** How the sync gets the model's wheel; the value is what the sync's environment (MODEL_SOURCE_KIND) carries. */
export enum ModelSourceKind {
  /** `location` is the URL of the model's wheel (spaCy publishes one per model version as a GitHub release asset). */
  WHEEL_URL = "wheel_url",
  /** `location` is a PEP 503 simple index (a private mirror, CodeArtifact) that serves `<name>==<version>`. */
  INDEX_URL = "index_url",
  /**
   * `location` is a page or directory listing wheels (pip's `--find-links`): a URL, or an absolute path the function
   * can read (a layer under /opt, the mounted store).
   */
  FIND_LINKS = "find_links",
  /**
   * A private wheel at `s3://<bucket>/<key>`; the sync signs a short-lived URL for it with a role that may read that
   * one object, and downloads it through the VPC's S3 gateway endpoint (no NAT needed).
   */
  S3 = "s3",
}

/** Every kind, in the order the sync (sync_event.py's SOURCE_KINDS) lists them. */
export const MODEL_SOURCE_KINDS: readonly ModelSourceKind[] = Object.values(ModelSourceKind);

/**
 * A model source as plain data, e.g. from a JSON configuration: `kind` with that kind's fields (`location` for the
 * URL kinds, `bucket` and `key` for "s3") and the wheel's `sha256`. `ModelSource.fromConfig` turns it into a source.
 */
export interface ModelSourceConfig {
  /** How the sync gets the wheel. */
  readonly kind: ModelSourceKind;
  /**
   * For "wheel_url", "index_url" and "find_links": the wheel URL, index URL, or find-links URL or path.
   * @default none
   */
  readonly location?: string;
  /** For "s3": the bucket holding the wheel. @default none */
  readonly bucket?: string;
  /** For "s3": the object key of the wheel (ending in ".whl"). @default none */
  readonly key?: string;
  /** sha256 of the wheel, 64 lowercase hex digits. */
  readonly sha256: string;
}

/**
 * Where the sync downloads the model from, always pinned by the wheel's sha256. The location goes into the function's
 * environment and Terraform state, so it carries no credentials; `ModelSync` checks it (and the hash) at synth time.
 */
export class ModelSource {
  /**
   * URL of the wheel spaCy publishes for a model version, e.g.
   * https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl
   */
  public static spacyReleaseUrl(name: string, version: string): string {
    const release = `${name}-${version}`;
    return `https://github.com/explosion/spacy-models/releases/download/${release}/${release}-py3-none-any.whl`;
  }

  /**
   * The wheel spaCy publishes as a GitHub release asset for `name` `version`, pinned to its sha256 (docs/model-sync.md
   * lists where published hashes come from).
   */
  public static spacyRelease(name: string, version: string, sha256: string): ModelSource {
    return ModelSource.wheelUrl(ModelSource.spacyReleaseUrl(name, version), sha256);
  }

  /**
   * A wheel at an https URL (http only for 127.0.0.1 or localhost), pinned to its sha256; the URL's file name ends in
   * ".whl" and it carries no user:password@.
   */
  public static wheelUrl(url: string, sha256: string): ModelSource {
    return new ModelSource(ModelSourceKind.WHEEL_URL, sha256, url);
  }

  /** A PEP 503 simple index (https) that serves the model's `<name>==<version>`, pinned to the wheel's sha256. */
  public static indexUrl(url: string, sha256: string): ModelSource {
    return new ModelSource(ModelSourceKind.INDEX_URL, sha256, url);
  }

  /**
   * A page (https URL) or directory (absolute path the function can read) listing wheels, as pip's `--find-links`,
   * pinned to the wheel's sha256.
   */
  public static findLinks(location: string, sha256: string): ModelSource {
    return new ModelSource(ModelSourceKind.FIND_LINKS, sha256, location);
  }

  /**
   * A private wheel in S3, in the environment's region, pinned to its sha256; the sync's role may read that one object
   * (s3:GetObject) and nothing else. `key` ends in ".whl", e.g. "models/en_acme_ner-1.2.0-py3-none-any.whl".
   */
  public static s3(bucket: string, key: string, sha256: string): ModelSource {
    return new ModelSource(ModelSourceKind.S3, sha256, undefined, bucket, key);
  }

  /** The source a `ModelSourceConfig` describes (e.g. an environment's JSON configuration). */
  public static fromConfig(config: ModelSourceConfig): ModelSource {
    const where = "ModelSource.fromConfig";
    const required = (field: "location" | "bucket" | "key", value: string | undefined): string =>
      value ?? invalid(where, field, `set for kind "${config.kind}"`, value);
    switch (config.kind) {
      case ModelSourceKind.WHEEL_URL:
        return ModelSource.wheelUrl(required("location", config.location), config.sha256);
      case ModelSourceKind.INDEX_URL:
        return ModelSource.indexUrl(required("location", config.location), config.sha256);
      case ModelSourceKind.FIND_LINKS:
        return ModelSource.findLinks(required("location", config.location), config.sha256);
      case ModelSourceKind.S3:
        return ModelSource.s3(required("bucket", config.bucket), required("key", config.key), config.sha256);
      default:
        return invalid(where, "kind", `one of ${MODEL_SOURCE_KINDS.join(", ")}`, config.kind);
    }
  }

  /** How the sync gets the wheel. */
  public readonly kind: ModelSourceKind;
  /** sha256 of the wheel, 64 lowercase hex digits: pip refuses any other file and the sync checks it again. */
  public readonly sha256: string;
  /** The wheel URL, index URL, or find-links URL or path; undefined for an "s3" source. */
  public readonly location?: string;
  /** Bucket holding the wheel, for an "s3" source; undefined otherwise. */
  public readonly bucket?: string;
  /** Object key of the wheel, for an "s3" source; undefined otherwise. */
  public readonly key?: string;

  private constructor(kind: ModelSourceKind, sha256: string, location?: string, bucket?: string, key?: string) {
    this.kind = kind;
    this.sha256 = sha256;
    this.location = location;
    this.bucket = bucket;
    this.key = key;
  }
}

/** The spaCy model package the sync puts on the store. */
export interface ModelSpec {
  /** Package name as pip and `spacy.load` know it, e.g. "en_core_web_lg". */
  readonly name: string;
  /** Package version, e.g. "3.8.0"; spaCy models pin a compatible spaCy minor, so match the layer's spaCy. */
  readonly version: string;
  /**
   * Where pip gets the package, with the wheel's sha256, e.g.
   * `ModelSource.spacyRelease("en_core_web_lg", "3.8.0", "<sha256>")`.
   */
  readonly source: ModelSource;
}
