import type { ServerResponse } from 'node:http';

/** The part of Express's response the controllers that answer by hand use. */
export interface JsonResponse extends ServerResponse {
  status(code: number): this;
  json(body: unknown): this;
}
