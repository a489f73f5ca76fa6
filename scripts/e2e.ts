/**
 * `npm run test:e2e`: builds the web app if its sources changed, then runs Playwright in
 * Chromium and Firefox. Extra arguments go to `playwright test`.
 */
import { bin, ensureBuild, runToEnd } from './run';

async function main() {
  await ensureBuild();
  await runToEnd(bin('playwright'), ['test', ...process.argv.slice(2)]);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
