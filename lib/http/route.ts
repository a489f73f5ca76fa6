import 'server-only';
import type { z } from 'zod';
import { getConfig, type Config } from '../config';
import { sessionFromCookieHeader } from '../auth/session';
import type { SessionInfo, Storage } from '../storage';
import { appStorage } from '../server/storage';
import { trustedClientIp } from './client-ip';
import { ApiError, errorResponse } from './errors';

export interface RouteContext<P> {
  req: Request;
  params: P;
  config: Config;
  storage: Storage;
  /** The live session, if the request carries one. */
  session: SessionInfo | undefined;
  /**
   * The client's address as web/main.ts determined it (TCP peer, or per `TRUST_PROXY` from
   * `X-Forwarded-For`); never a value the client chose. Undefined when the request did not
   * come through that server (route handlers called directly, a bare `next start`).
   */
  clientIp: string | undefined;
}

const MAX_BODY_BYTES = 64 * 1024;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery guard: a state-changing request must say it comes from the app's
 * own origin. Browsers always send Origin on such requests; a missing one is refused too.
 */
export function checkOrigin(req: Request, config: Config): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.get('origin');
  if (origin !== config.appOrigin) {
    throw new ApiError('bad_origin', origin ? `Requests from ${origin} are not allowed.` : 'The request has no Origin header.');
  }
}

/** The session, or a 401. */
export function requireSession(ctx: { session: SessionInfo | undefined }): SessionInfo {
  if (!ctx.session) throw new ApiError('unauthorized', 'Sign in to continue.');
  return ctx.session;
}

/** Parses and validates a JSON body (at most `maxBytes`, 64 KiB unless a route allows more). */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes = MAX_BODY_BYTES): Promise<z.output<S>> {
  const tooLarge = () => new ApiError('payload_too_large', `The request body is too large (at most ${Math.floor(maxBytes / 1024)} KiB).`);
  // A declared length over the limit is refused before the body is read into memory.
  if (Number(req.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  const text = await req.text();
  if (text.length > maxBytes) throw tooLarge();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ApiError('invalid_json', 'The request body is not valid JSON.');
  }
  const r = schema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ApiError('invalid_request', `${where}${issue?.message ?? 'invalid input'}`);
  }
  return r.data;
}

/**
 * Wraps a route handler: checks Origin on mutations, resolves the session from the request's
 * own Cookie header (so handlers also run outside Next, in tests), and turns thrown
 * {@link ApiError}s into JSON errors. Anything else is a 500 without internals.
 */
export function route<P = Record<string, never>>(fn: (ctx: RouteContext<P>) => Promise<Response>) {
  return async (req: Request, context?: { params: Promise<P> }): Promise<Response> => {
    try {
      const config = getConfig();
      checkOrigin(req, config);
      const storage = await appStorage();
      const session = await sessionFromCookieHeader(storage, config, req.headers.get('cookie'));
      const params = context ? await context.params : ({} as P);
      return await fn({ req, params, config, storage, session, clientIp: trustedClientIp(req.headers) });
    } catch (e) {
      if (e instanceof ApiError) return errorResponse(e);
      console.error('unhandled error in route', req.method, new URL(req.url).pathname, e);
      return errorResponse(new ApiError('internal', 'Something went wrong on our side. Try again.'));
    }
  };
}
