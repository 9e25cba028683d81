/**
 * Error codes of the Python handler (modules/spacy-function/runtime), snake_case as it sends them. Keep in
 * step with the handler: the client reports any other code as "unexpected_response".
 */
export const API_ERROR_CODES = [
  /** 400: the body is empty, not valid base64 where marked so, or not JSON. */
  "malformed_json",
  /** 400: the JSON is not an object. */
  "invalid_body",
  /** 400: the object has neither "text" nor "texts". */
  "missing_text",
  /** 400: the object has both "text" and "texts". */
  "ambiguous_input",
  /** 400: "text" is not a string. */
  "invalid_text",
  /** 400: "texts" is not a list of strings. */
  "invalid_texts",
  /** 400: "texts" is an empty list. */
  "empty_batch",
  /** 400: "include" of `POST /analyze` is not a non-empty list of field names. */
  "invalid_include",
  /** 400: `POST /analyze` asked for a field the loaded pipeline cannot produce (the message names what it produces). */
  "unsupported_field",
  /** 413: a text has more characters than the function's MAX_TEXT_CHARS. */
  "text_too_large",
  /** 413: a batch has more texts than the function's MAX_BATCH_TEXTS. */
  "too_many_texts",
  /** 413: the texts of one request have more characters in all than the function's MAX_TOTAL_CHARS. */
  "request_too_large",
  /** 413: the answer would be over the 6 MB limit of a Lambda response (dense entities); send fewer texts. */
  "response_too_large",
  /** 404: no such route. */
  "not_found",
  /** 404: `/models/<name>/…` names a model this API does not serve (`GET /models` lists them). */
  "model_not_found",
  /** 405: the route exists but not with this method (the answer's Allow header lists the right one). */
  "method_not_allowed",
  /** 503: the function has no model configured (MODEL_NAME/MODEL_VERSION or MODEL_PATH). */
  "model_not_configured",
  /** 503: the configured model is not on EFS (the sync has not put it there). */
  "model_not_synced",
  /**
   * 503: spaCy could not load the model from EFS (a half-written or damaged copy); Retry-After while loads back off.
   */
  "model_load_failed",
  /** 503: this invocation has too little time left for the request; retry (Retry-After) or split it. */
  "not_enough_time",
  /** 500: the function's environment settings are invalid. */
  "invalid_configuration",
  /** 500: anything else; details are in the function's logs, not in the response. */
  "internal_error",
] as const;

/** One of `API_ERROR_CODES`. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Body of every non-2xx answer from the handler. */
export interface ApiError {
  readonly error: {
    /** Machine-readable reason. */
    readonly code: ApiErrorCode;
    /** Human-readable explanation, safe to show to the caller. */
    readonly message: string;
  };
}

/** Whether a parsed body is an `ApiError` with a known code. */
export function isApiError(body: unknown): body is ApiError {
  if (typeof body !== "object" || body === null) {
    return false;
  }
  const error = (body as { error?: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { message?: unknown }).message === "string" &&
    (API_ERROR_CODES as readonly string[]).includes((error as { code?: unknown }).code as string)
  );
}
