// The error codes for the OpenAPI document's description: the table of docs/errors.md, the one
// place each code's status, meaning and remedy are written (src/shared/error-codes.test.ts holds
// that page to the closed list and to the statuses the server's catalogues throw). Read when the
// document is built, so the description can never say something else than the page.
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../../shared/error-codes.ts';

const ERRORS_PAGE = new URL('../../../docs/errors.md', import.meta.url);
const HEADING = '## WeBox codes';

/** The page's table of WeBox codes, as Markdown; a bare list of the codes if the page is not there. */
export function errorCodeTable(): string {
  let page: string;
  try {
    page = readFileSync(ERRORS_PAGE, 'utf8');
  } catch {
    // An installation without the docs folder still documents which codes exist.
    return ERROR_CODES.map((code) => `- \`${code}\``).join('\n');
  }
  const section = page.slice(page.indexOf(`\n${HEADING}\n`) + HEADING.length + 2).split(/\n## /)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .join('\n');
}
