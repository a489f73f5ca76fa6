import { createDocumentSchema } from '@/lib/documents/schemas';
import { readJson, requireSession, route } from '@/lib/http/route';

/** GET /api/documents → the caller's documents, owned and shared. */
export const GET = route(async (ctx) => {
  const { user } = requireSession(ctx);
  const docs = await ctx.storage.documents.listForUser(user.id);
  return Response.json({ documents: docs.map((d) => ({ ...d, updatedAt: new Date(d.updatedAt).toISOString() })) });
});

/** POST /api/documents {title} → 201 {id, title}. */
export const POST = route(async (ctx) => {
  const { user } = requireSession(ctx);
  const { title } = await readJson(ctx.req, createDocumentSchema);
  const doc = await ctx.storage.documents.create({ title, ownerId: user.id, now: Date.now() });
  return Response.json({ id: doc.id, title: doc.title }, { status: 201 });
});
