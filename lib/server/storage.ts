import 'server-only';
import { getConfig } from '../config';
import { openStorage, type Storage } from '../storage';

const KEY = Symbol.for('tandem.storage');
type Holder = { [KEY]?: Promise<Storage> };

/**
 * The app process's storage, opened once. Kept on globalThis so development reloads of this
 * module do not open the database again.
 */
export function appStorage(): Promise<Storage> {
  const g = globalThis as Holder;
  g[KEY] ??= openStorage({ target: getConfig().storage });
  return g[KEY];
}
