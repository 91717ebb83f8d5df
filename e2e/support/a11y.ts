import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Runs axe on the page as it is now; fails on any serious or critical violation, naming each with its nodes. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  // A tooltip still fading in (the pointer rests where the last click was) has a see-through background for a moment:
  // axe would measure its contrast mid-way. Wait until every tooltip shown is fully opaque (or gone).
  await page
    .waitForFunction(
      () => Array.from(document.querySelectorAll('.MuiTooltip-tooltip')).every((el) => getComputedStyle(el).opacity === '1'),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
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
