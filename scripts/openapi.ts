// `npm run openapi`: writes docs/openapi.json, the OpenAPI 3.1 document generated from the route
// schemas (the server serves the same at /api/openapi.json). Run it after changing a route or a
// schema: test/openapi.test.ts fails while the file differs from what the code generates.
import { writeFile } from 'node:fs/promises';
import { generateOpenApiDocument, OPENAPI_FILE } from '../src/server/openapi/document-file.ts';

await writeFile(OPENAPI_FILE, await generateOpenApiDocument());
console.log(`wrote ${OPENAPI_FILE}`);
