import type { ApiErrorCode } from "../api/errors";

/**
 * Code of a `SpacyApiError`: the handler's own code, or "unexpected_response" when the answer was not the
 * handler's (API Gateway's `{"message": "Internal Server Error"}`, a proxy's HTML page, a malformed body).
 */
export type SpacyApiErrorCode = ApiErrorCode | "unexpected_response";

/** A non-2xx answer from the API, or a 2xx answer whose body does not have the documented shape. */
export class SpacyApiError extends Error {
  /** HTTP status of the answer. */
  public readonly status: number;
  /** The handler's error code, or "unexpected_response". */
  public readonly code: SpacyApiErrorCode;
  /** The parsed body (or the raw text when it was not JSON), for logging. */
  public readonly body: unknown;

  constructor(status: number, code: SpacyApiErrorCode, message: string, body?: unknown) {
    super(message);
    this.name = "SpacyApiError";
    this.status = status;
    this.code = code;
    this.body = body;
  }
}
