import type { ApiErrorCode } from "./errors";

/**
 * The HTTP status the handler answers each error code with. A `Record` over `ApiErrorCode`, so a code added
 * to `API_ERROR_CODES` without a status here fails the type check; the OpenAPI document groups the codes by
 * it, and the runtime's contract test checks that the Python handler raises each code with this status.
 */
export const API_ERROR_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  malformed_json: 400,
  invalid_body: 400,
  missing_text: 400,
  ambiguous_input: 400,
  invalid_text: 400,
  invalid_texts: 400,
  empty_batch: 400,
  invalid_include: 400,
  unsupported_field: 400,
  text_too_large: 413,
  too_many_texts: 413,
  request_too_large: 413,
  response_too_large: 413,
  not_found: 404,
  model_not_found: 404,
  method_not_allowed: 405,
  model_not_configured: 503,
  model_not_synced: 503,
  model_load_failed: 503,
  not_enough_time: 503,
  invalid_configuration: 500,
  internal_error: 500,
};
