/**
 * The error catalogue: every stable code a client can see, with its HTTP status.
 * Servers map these to replies in one place; clients switch on `code`.
 */
export const ERRORS = {
  invalid_request: 400,
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  blocked: 403,
  not_found: 404,
  conflict: 409,
  username_taken: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** WebSocket close codes (4000-4999 is the application range). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  tooBig: 1009,
  /** Bad, expired or missing token, or no auth frame within the auth timeout. */
  unauthorized: 4001,
  /** The device's session was revoked (logout, refresh-token reuse, account deleted). */
  sessionRevoked: 4003,
  /** Server is shutting down: reconnect (elsewhere). */
  restarting: 4503,
} as const;
