/**
 * Where pip gets the model package from:
 * - "wheel_url": `location` is the URL of the model's wheel (spaCy publishes one per model version as a
 *   GitHub release asset; `spacyModelWheel` builds that source).
 * - "index_url": `location` is a PEP 503 simple index (a private mirror, CodeArtifact) that serves
 *   `<name>==<version>`.
 * - "find_links": `location` is a page or directory listing wheels (pip's `--find-links`): a URL, or an
 *   absolute path the function can read (a layer under /opt, the mounted store).
 * - "s3": a private wheel at `s3://<bucket>/<key>`; the sync signs a short-lived URL for it with a role that
 *   may read that one object, and downloads it through the VPC's S3 gateway endpoint (no NAT needed).
 */
export const MODEL_SOURCE_KINDS = ["wheel_url", "index_url", "find_links", "s3"] as const;

/** One of `MODEL_SOURCE_KINDS`. */
export type ModelSourceKind = (typeof MODEL_SOURCE_KINDS)[number];

/**
 * A source pip downloads from by URL or path. Goes into the function's environment and Terraform state: no credentials.
 */
export interface ModelUrlSource {
  /** How `location` is passed to pip. */
  readonly kind: "wheel_url" | "index_url" | "find_links";
  /**
   * A wheel URL, an index URL, or a find-links URL or absolute path; https only (http just for 127.0.0.1/localhost), no
   * user:password@.
   */
  readonly location: string;
  /**
   * sha256 of the wheel, 64 lowercase hex digits; pip refuses any other file and the sync checks it again before
   * unpacking.
   */
  readonly sha256: string;
}

/** A private wheel in S3, read with the sync function's role (s3:GetObject on this object only). */
export interface ModelS3Source {
  readonly kind: "s3";
  /** Bucket holding the wheel, in the environment's region (the gateway endpoint serves that region). */
  readonly bucket: string;
  /**
   * Object key of the wheel; must end in ".whl" and its file name follow the wheel naming rules, e.g.
   * "models/en_acme_ner-1.2.0-py3-none-any.whl".
   */
  readonly key: string;
  /**
   * sha256 of the wheel, 64 lowercase hex digits; pip refuses any other file and the sync checks it again before
   * unpacking.
   */
  readonly sha256: string;
}

/** Where the sync downloads the model from, always pinned by the wheel's sha256. */
export type ModelSource = ModelUrlSource | ModelS3Source;

/** The spaCy model package the sync puts on the store. */
export interface ModelSpec {
  /** Package name as pip and `spacy.load` know it, e.g. "en_core_web_lg". */
  readonly name: string;
  /** Package version, e.g. "3.8.0"; spaCy models pin a compatible spaCy minor, so match the layer's spaCy. */
  readonly version: string;
  /**
   * Where pip gets the package, with the wheel's sha256, e.g. `spacyModelWheel("en_core_web_lg", "3.8.0", "<sha256>")`.
   */
  readonly source: ModelSource;
}

/**
 * URL of the wheel spaCy publishes for a model version, e.g.
 * https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl
 */
export function spacyModelWheelUrl(name: string, version: string): string {
  const release = `${name}-${version}`;
  return `https://github.com/explosion/spacy-models/releases/download/${release}/${release}-py3-none-any.whl`;
}

/**
 * The source for a wheel spaCy publishes as a release asset, pinned to its sha256 (see docs/model-sync.md for published
 * hashes).
 */
export function spacyModelWheel(name: string, version: string, sha256: string): ModelUrlSource {
  return { kind: "wheel_url", location: spacyModelWheelUrl(name, version), sha256 };
}
