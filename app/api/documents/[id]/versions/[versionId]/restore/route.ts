import { requireAccess } from '@/lib/documents/access';
import { restoreVersion } from '@/lib/documents/versions';
import { ApiError } from '@/lib/http/errors';
import { requireSession, route } from '@/lib/http/route';

type Params = { id: string; versionId: string };

/**
 * POST /api/documents/<id>/versions/<versionId>/restore → 201 the new "restore" version. The
 * content comes back as a new change that everyone connected sees at once; history is kept.
 */
export const POST = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'edit');
  const restored = await restoreVersion(ctx.storage, document.id, ctx.params.versionId, user.id);
  if (!restored) throw new ApiError('not_found', 'No such version.');
  return Response.json(restored, { status: 201 });
});
