/**
 * `npm run embed:token -- --key <keyId>:<secret> --doc <documentId> --origin <host origin>
 *   [--name "Visitor"] [--sub visitor-1] [--role editor|viewer] [--ttl 300]`
 * prints an embed token, exactly as a host's backend would mint it (HS256, standard JWT).
 * For testing: real hosts mint one per page view in their own backend (docs/EMBED.md).
 */
import { parseArgs } from 'node:util';
import { parseOrigin } from '../lib/config/env';
import { MAX_TOKEN_LIFETIME_S, mintEmbedToken } from '../lib/embed/tokens';

const USAGE = 'usage: npm run embed:token -- --key <keyId>:<secret> --doc <documentId> --origin <https://host.example> [--name N] [--sub S] [--role editor|viewer] [--ttl seconds]';

async function main() {
  const { values } = parseArgs({
    options: {
      key: { type: 'string' },
      doc: { type: 'string' },
      origin: { type: 'string' },
      name: { type: 'string', default: 'Embedded visitor' },
      sub: { type: 'string', default: 'visitor' },
      role: { type: 'string', default: 'editor' },
      ttl: { type: 'string', default: String(MAX_TOKEN_LIFETIME_S) },
    },
  });
  const fail = (why: string) => {
    console.error(`${why}\n${USAGE}`);
    process.exit(2);
  };
  const [keyId, secret] = (values.key ?? '').split(/:(.*)/s);
  if (!keyId || !secret) return fail('--key must be <keyId>:<secret>, as shown when the key was created.');
  if (!values.doc) return fail('--doc is required.');
  const origin = parseOrigin(values.origin ?? '');
  if (!origin) return fail('--origin must be an exact origin like https://www.example.com.');
  if (values.role !== 'editor' && values.role !== 'viewer') return fail('--role must be editor or viewer.');
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_LIFETIME_S) return fail(`--ttl must be 1 to ${MAX_TOKEN_LIFETIME_S} seconds.`);
  const token = await mintEmbedToken({ keyId, secret, documentId: values.doc, origin, role: values.role, name: values.name!, sub: values.sub!, ttlSeconds: ttl });
  console.log(token);
}

void main();
