import type { ErrorRequestHandler, RequestHandler } from 'express';

/** The largest request body: holds the largest legitimate request (5,000 incidents or 1,000 positions) with room to spare. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** API answers are never cached (Apollo's cache-control plugin marked them so; it is off now). */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** The answers to a body that cannot be read, for both ways a POST is read (bodyErrors, graphql-post.ts). */
export const BODY_REFUSALS = {
  413: { errors: [{ message: 'Request body is larger than 2 MB', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
  400: { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] },
} as const;

/** A body too large or not JSON gets a GraphQL-shaped error with a stable code, not an HTML page. */
export const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
  if (error.type === 'entity.too.large') {
    res.status(413).json(BODY_REFUSALS[413]);
  } else if (error.type === 'entity.parse.failed' || error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
    res.status(400).json(BODY_REFUSALS[400]);
  } else {
    next(error);
  }
};
