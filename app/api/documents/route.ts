import { createDocument } from '@/lib/documents/create';
import { createDocumentSchema } from '@/lib/documents/schemas';
import { readJson, requireSession, route } from '@/lib/http/route';

/** Room for a 2 MiB import once it is escaped inside JSON. */
const MAX_CREATE_BODY = 6 * 1024 * 1024;

/** GET /api/documents → the caller's documents, owned and shared. */
export const GET = route(async (ctx) => {
  const { user } = requireSession(ctx);
  const docs = await ctx.storage.documents.listForUser(user.id);
  return Response.json({ documents: docs.map((d) => ({ ...d, updatedAt: new Date(d.updatedAt).toISOString() })) });
});

/** POST /api/documents {title?, content?, format?} → 201 {id, title}; content is imported on the server. */
export const POST = route(async (ctx) => {
  const { user } = requireSession(ctx);
  const body = await readJson(ctx.req, createDocumentSchema, MAX_CREATE_BODY);
  const doc = await createDocument(ctx.storage, user.id, body);
  return Response.json({ id: doc.id, title: doc.title }, { status: 201 });
});
