import 'server-only';
import type { Config } from '../config';
import { ApiError } from '../http/errors';
import type { ChangeResult, LinkState, Role } from '../storage';
import { canEdit } from '../auth/roles';

/** The share link of a document: `/d/<id>?link=<token>` on the app's origin. */
export function shareUrl(config: Pick<Config, 'appOrigin'>, documentId: string, token: string): string {
  return `${config.appOrigin}/d/${documentId}?link=${token}`;
}

/** What a member may see of general access: everyone sees the setting, editors the link. */
export function linkView(config: Pick<Config, 'appOrigin'>, documentId: string, link: LinkState, role: Role) {
  const url = link.access !== 'restricted' && link.token && canEdit(role) ? shareUrl(config, documentId, link.token) : null;
  return { access: link.access, url };
}

/** Turns a repository outcome into the API's answer for it. */
export function expectChanged(result: ChangeResult, what: string): void {
  switch (result) {
    case 'ok':
      return;
    case 'not_found':
      throw new ApiError('not_found', `No such ${what}.`);
    case 'owner':
      throw new ApiError('conflict', "The owner's access cannot be changed this way; transfer ownership first.");
  }
}
