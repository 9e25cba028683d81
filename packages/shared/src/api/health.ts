/**
 * Answer to `GET /health` once the model is loaded; until then the API answers 503 with `model_not_configured`,
 * `model_not_synced` or `model_load_failed`.
 */
export interface HealthResponse {
  /** Always "ok": any other state is reported as an `ApiError`. */
  readonly status: "ok";
  /** The loaded model package, as `nlp.meta` names it. */
  readonly model: {
    /** Package name, e.g. "en_core_web_lg". */
    readonly name: string;
    /** Package version, e.g. "3.8.0". */
    readonly version: string;
  };
  /** Pipeline components that run on every request, `nlp.pipe_names`. */
  readonly components: string[];
  /** Seconds the cold start spent in `spacy.load` from EFS. */
  readonly load_seconds: number;
}
