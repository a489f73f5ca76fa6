import { z } from 'zod';
import { parseOrigin } from '../config/env';

/** An exact origin: scheme, host and optional port, nothing else (as browsers report it). */
export const originSchema = z
  .string()
  .trim()
  .max(255)
  .refine((v) => parseOrigin(v) === v, { message: 'Enter an exact origin like https://www.example.com (scheme, host, optional port; no path or trailing slash).' });

export const embedRoleSchema = z.enum(['editor', 'viewer'], { message: 'role must be editor or viewer.' });

export const embedSettingsSchema = z.object({
  allowedOrigins: z.array(originSchema).max(20, 'At most 20 origins.').transform((list) => [...new Set(list)]),
  role: embedRoleSchema,
});

export const createKeySchema = z.object({ label: z.string().trim().min(1).max(80, 'Use at most 80 characters for the label.').optional().default('Integration key') });

/** What the frame sends to exchange a token: the document, the token, and the origin of the page that gave it. */
export const exchangeSchema = z.object({
  document: z.string().min(1).max(64),
  token: z.string().min(1).max(8192),
  origin: z.string().min(1).max(255),
});

export const accountTokenSchema = z.object({ origin: originSchema });
