import type { ErrorObject } from 'ajv';

export type Endpoint = 'events' | 'event-bulk-create' | 'profiles' | 'subscriptions' | 'back-in-stock-subscriptions';
export interface BodyError {
  pointer: string;
  detail: string;
}
export const schemas: Record<Endpoint, Record<string, unknown>>;
export function validateBody(endpoint: string, body: unknown): { valid: boolean; errors: BodyError[] };
export function readable(errors: ErrorObject[]): BodyError[];
export const ajvOptions: { allErrors: boolean; verbose: boolean; allowUnionTypes: boolean };
export const formats: string[];
