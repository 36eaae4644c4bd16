export type ErrorCode =
  | 'invalid_argument'
  | 'no_identifier'
  | 'not_identified'
  | 'opted_out'
  | 'invalid_company_id'
  | 'private_key'
  | 'invalid_product'
  | 'invalid_order'
  | 'unknown_method'
  | 'internal';

/** Every Promise klaviyo-lite rejects carries one of these: a code to branch on, a message to read. */
export class KlaviyoLiteError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(`[klaviyo-lite] ${message}`);
    this.name = 'KlaviyoLiteError';
    this.code = code;
  }
}

/** Refuses a call: the method's Promise rejects with this code and message. */
export function fail(code: ErrorCode, message: string): never {
  throw new KlaviyoLiteError(code, message);
}
