import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Runs axe on the page as it is now; fails on any serious or critical violation, naming each with its nodes.
 * Tooltips are left out unless `withTooltips`: one fading in or out where the pointer happens to rest has a
 * see-through background for a moment, and axe measured its contrast mid-way (waiting until every tooltip was opaque
 * still raced a new one starting). Their colours are the theme's, the same on every page; a test that holds a tooltip
 * open checks them with `withTooltips`, once the tooltip is fully shown.
 */
export async function expectNoSeriousA11yViolations(page: Page, { withTooltips = false } = {}): Promise<void> {
  const axe = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (withTooltips) {
    await expect
      .poll(() =>
        page.evaluate(() =>
          Array.from(document.querySelectorAll('.MuiTooltip-tooltip')).every((el) => getComputedStyle(el).opacity === '1'),
        ),
      )
      .toBe(true);
  } else {
    axe.exclude('.MuiTooltip-popper');
  }
  const results = await axe.analyze();
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
