import { requireAccess } from '@/lib/documents/access';
import { renameDocumentSchema } from '@/lib/documents/schemas';
import { readJson, requireSession, route } from '@/lib/http/route';

type Params = { id: string };

function view(d: { id: string; title: string; createdAt: number; updatedAt: number }, role: string) {
  return { id: d.id, title: d.title, role, createdAt: new Date(d.createdAt).toISOString(), updatedAt: new Date(d.updatedAt).toISOString() };
}

/** GET /api/documents/<id> → {id, title, role, createdAt, updatedAt}. */
export const GET = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document, role } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'read');
  return Response.json(view(document, role));
});

/** PATCH /api/documents/<id> {title} → the renamed document (owners and editors). */
export const PATCH = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { title } = await readJson(ctx.req, renameDocumentSchema);
  const { document, role } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'edit');
  const now = Date.now();
  await ctx.storage.documents.rename(document.id, title, now);
  return Response.json(view({ ...document, title, updatedAt: now }, role));
});

/** DELETE /api/documents/<id> → 204 (owner only); deletes the content too. */
export const DELETE = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  await ctx.storage.documents.delete(document.id);
  return new Response(null, { status: 204 });
});
