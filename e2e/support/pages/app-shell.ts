import { expect, type Locator, type Page } from '@playwright/test';

/** The bar on every signed-in page. */
export class AppShell {
  readonly banner: Locator;
  readonly signedInUser: Locator;
  readonly signOutButton: Locator;
  readonly releasesLink: Locator;
  readonly rolloutsLink: Locator;
  readonly overviewLink: Locator;
  readonly tenantsLink: Locator;
  readonly deploymentsLink: Locator;
  readonly auditLink: Locator;

  constructor(readonly page: Page) {
    this.banner = page.getByRole('banner');
    this.signedInUser = this.banner.getByRole('group', { name: 'Signed in user' });
    this.signOutButton = this.banner.getByRole('button', { name: 'Sign out' });
    this.releasesLink = this.banner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Releases' });
    this.rolloutsLink = this.banner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rollouts' });
    this.overviewLink = this.banner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' });
    this.tenantsLink = this.banner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' });
    this.deploymentsLink = this.banner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deployments' });
    this.auditLink = this.banner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' });
  }

  async expectSignedInAs(username: string, role: string) {
    await expect(this.banner.getByText('Shiplog', { exact: true })).toBeVisible();
    await expect(this.signedInUser).toContainText(username);
    await expect(this.signedInUser).toContainText(role);
  }

  async signOut() {
    await this.signOutButton.click();
  }
}
