/** One model a multi-model API serves, as `GET /models` lists it. */
export interface ModelInfo {
  /** Package name, as used in `/models/{model}/…`, e.g. "en_core_web_sm". */
  readonly name: string;
  /** Package version, e.g. "3.8.0". */
  readonly version: string;
  /** Whether the unprefixed routes (`POST /entities`, `POST /analyze`, `GET /health`) serve this model. */
  readonly default: boolean;
  /** Whether the model is in the store: false while its sync has not put it there (then no components or labels). */
  readonly synced: boolean;
  /** The pipeline's components, as its meta.json lists them (`pipeline`). */
  readonly components: string[];
  /** Labels per component that has them, from its meta.json, e.g. `{ "ner": ["ORG", "PERSON"] }`. */
  readonly labels: Record<string, string[]>;
}

/** Answer to `GET /models`. */
export interface ModelsResponse {
  /** Every model the API serves, the default among them. */
  readonly models: ModelInfo[];
}
