/**
 * Where pip gets the model package from:
 * - "wheel_url": `location` is the URL of the model's wheel (spaCy publishes one per model version as a
 *   GitHub release asset; `spacyModelWheelUrl` builds it).
 * - "index_url": `location` is a PEP 503 simple index (a private mirror, CodeArtifact) that serves
 *   `<name>==<version>`.
 * - "find_links": `location` is a page or directory listing wheels (pip's `--find-links`): a URL, or an
 *   absolute path the function can read (a layer under /opt, the mounted store).
 */
export const MODEL_SOURCE_KINDS = ["wheel_url", "index_url", "find_links"] as const;

/** One of `MODEL_SOURCE_KINDS`. */
export type ModelSourceKind = (typeof MODEL_SOURCE_KINDS)[number];

/** Where pip downloads the model from. Goes into the invocation input, hence into Terraform state: no credentials. */
export interface ModelSource {
  /** How `location` is passed to pip. */
  readonly kind: ModelSourceKind;
  /** A wheel URL, an index URL, or a find-links URL or absolute path; https only (http just for 127.0.0.1/localhost). */
  readonly location: string;
}

/** The spaCy model package the sync puts on the store. */
export interface ModelSpec {
  /** Package name as pip and `spacy.load` know it, e.g. "en_core_web_lg". */
  readonly name: string;
  /** Package version, e.g. "3.8.0"; spaCy models pin a compatible spaCy minor, so match the layer's spaCy. */
  readonly version: string;
  /** Where pip gets the package. @default { kind: "wheel_url", location: spacyModelWheelUrl(name, version) } */
  readonly source?: ModelSource;
}

/**
 * URL of the wheel spaCy publishes for a model version, e.g.
 * https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl
 */
export function spacyModelWheelUrl(name: string, version: string): string {
  const release = `${name}-${version}`;
  return `https://github.com/explosion/spacy-models/releases/download/${release}/${release}-py3-none-any.whl`;
}
