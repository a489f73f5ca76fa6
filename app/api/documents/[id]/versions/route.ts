import { requireAccess } from '@/lib/documents/access';
import { versionNameSchema } from '@/lib/documents/schemas';
import { saveNamedVersion, VERSIONS_LISTED } from '@/lib/documents/versions';
import { readJson, requireSession, route } from '@/lib/http/route';

type Params = { id: string };

/** GET /api/documents/<id>/versions → {versions}, newest first (anyone with access). */
export const GET = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'read');
  return Response.json({ versions: await ctx.storage.versions.list(document.id, VERSIONS_LISTED) });
});

/** POST /api/documents/<id>/versions {name} → 201 the saved version (editors and the owner). */
export const POST = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { name } = await readJson(ctx.req, versionNameSchema);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'edit');
  return Response.json(await saveNamedVersion(ctx.storage, document.id, user.id, name), { status: 201 });
});
