// Before the browser tests: the web app must be built (as `npm start` would), and Chromium there.
import { existsSync } from 'node:fs';
import { buildWeb } from '../../scripts/build-web.ts';
import { CHROMIUM_PATH } from './browser.ts';

export default async function setup() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium).`);
  }
  const built = await buildWeb();
  console.log(built ? 'e2e: web app built into dist/web' : 'e2e: web app build is up to date');
}
