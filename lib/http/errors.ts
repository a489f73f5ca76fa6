/** Error codes the API returns, each with its HTTP status. One table, so routes stay thin. */
export const ERRORS = {
  invalid_json: 400,
  invalid_request: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  invalid_token: 401,
  forbidden: 403,
  bad_origin: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** A failure that becomes `{"error": {"code", "message"}}` with the code's status. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra fields of the error object (e.g. `reason` for `invalid_token`). */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return ERRORS[this.code];
  }
}

export function errorResponse(e: ApiError): Response {
  return Response.json({ error: { code: e.code, message: e.message, ...e.details } }, { status: e.status, headers: e.headers });
}
