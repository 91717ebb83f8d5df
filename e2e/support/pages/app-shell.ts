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

  /** The main navigation: a side bar at laptop width, a menu behind "Open navigation" on tablets. */
  readonly navigation: Locator;

  constructor(readonly page: Page) {
    this.banner = page.getByRole('banner');
    this.navigation = page.getByRole('navigation', { name: 'Main' });
    this.signedInUser = this.banner.getByRole('group', { name: 'Signed in user' });
    this.signOutButton = this.banner.getByRole('button', { name: 'Sign out' });
    this.releasesLink = this.navigation.getByRole('link', { name: 'Releases', exact: true });
    this.rolloutsLink = this.navigation.getByRole('link', { name: 'Rollouts', exact: true });
    this.overviewLink = this.navigation.getByRole('link', { name: 'Overview', exact: true });
    this.tenantsLink = this.navigation.getByRole('link', { name: 'Tenants', exact: true });
    this.deploymentsLink = this.navigation.getByRole('link', { name: 'Deployments', exact: true });
    this.auditLink = this.navigation.getByRole('link', { name: 'Audit log', exact: true });
  }

  /** Follows a link of the main navigation, through the menu when the screen is too narrow for the side bar. */
  async open(label: string) {
    const menu = this.banner.getByRole('button', { name: 'Open navigation' });
    if (await menu.isVisible()) await menu.click();
    await this.navigation.getByRole('link', { name: label, exact: true }).click();
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
