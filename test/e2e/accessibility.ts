// axe-core in the browser tests (issue 14: every new page has 0 serious or critical violations, in
// light and in dark). The theme follows prefers-color-scheme (styles/theme.css), so each check runs
// once per emulated scheme, on the page as it is, and fails naming each violation and its nodes.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** The serious and critical axe violations of the page in its current state. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const hasAxe = await page.evaluate(() => 'axe' in window);
  // Evaluated through the DevTools protocol: the app's content security policy refuses inline scripts.
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected above and has no types here.
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations as AxeViolation[];
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Fails unless the page has no serious or critical violation, in light and in dark. */
export async function expectAccessible(page: Page, what: string) {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const violation of await seriousViolations(page)) {
      const targets = violation.nodes.map((node) => node.target.join(' ')).slice(0, 5);
      found.push(
        `${what} (${colorScheme}): ${violation.impact} ${violation.id}: ${violation.help} — ${targets.join(', ')}`,
      );
    }
  }
  await page.emulateMedia({ colorScheme: null });
  if (found.length > 0) throw new Error(`accessibility violations:\n${found.join('\n')}`);
}
