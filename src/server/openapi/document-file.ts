// The OpenAPI document as the repository keeps it (docs/openapi.json): from a WeBox built on a
// throwaway embedded database, the way `npm run openapi` writes it and openapi.test.ts compares it,
// so that the file cannot drift from the code. Nothing in the document depends on configuration.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../app.ts';
import { parseConfig } from '../config.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));

/** The document's text, as docs/openapi.json holds it. */
export async function generateOpenApiDocument(): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'webox-openapi-'));
  try {
    const app = await buildApp(parseConfig({ WEBOX_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    try {
      return `${JSON.stringify(app.swagger(), null, 2)}\n`;
    } finally {
      await app.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
