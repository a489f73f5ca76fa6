import { z } from 'zod';
import { emailSchema } from '../auth/schemas';

export const titleSchema = z.string().trim().min(1, 'Enter a title.').max(200, 'Use at most 200 characters for the title.');

/** POST /api/documents: a title, and optionally a Markdown or HTML file to import as the content. */
export const createDocumentSchema = z
  .object({
    title: titleSchema.optional(),
    content: z.string({ message: 'content must be the text of a Markdown or HTML file.' }).optional(),
    format: z.enum(['markdown', 'html'], { message: 'format must be markdown or html.' }).optional(),
  })
  .refine((b) => (b.content === undefined) === (b.format === undefined), { message: 'Send content and format together (format: markdown or html).', path: ['format'] });
export const renameDocumentSchema = z.object({ title: titleSchema });
export const addMemberSchema = z.object({
  email: emailSchema,
  role: z.enum(['editor', 'viewer'], { message: 'Role must be editor or viewer.' }),
});
export const roleChangeSchema = z.object({ role: z.enum(['editor', 'viewer'], { message: 'Role must be editor or viewer.' }) });
export const linkAccessSchema = z.object({
  access: z.enum(['restricted', 'viewer', 'editor'], { message: 'access must be restricted, viewer or editor.' }),
});
export const transferSchema = z.object({ userId: z.string().min(1).max(64) });
export const contentFormatSchema = z.enum(['json', 'text', 'markdown', 'html'], { message: 'format must be json, text, markdown or html.' });
export const versionNameSchema = z.object({ name: z.string().trim().min(1, 'Enter a name for the version.').max(200, 'Use at most 200 characters for the name.') });
export const versionFormatSchema = z.enum(['text', 'json'], { message: 'format must be json or text.' });
