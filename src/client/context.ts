/** A method of the klaviyo object. Its result resolves the call's Promise; a thrown KlaviyoLiteError rejects it. */
export type Method = (...args: any[]) => unknown;
export type Methods = Record<string, Method>;
