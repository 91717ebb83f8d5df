import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Runs axe on the page as it is now; fails on any serious or critical violation, naming each with its nodes. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}` +
        // What axe saw on the first node (colours and ratio, or the name against the text), to fix it without a rerun.
        ` (${violation.nodes[0]?.failureSummary?.replace(/\s+/g, ' ').trim() ?? ''})`,
    );
  expect(serious, 'serious or critical accessibility violations').toEqual([]);
}
