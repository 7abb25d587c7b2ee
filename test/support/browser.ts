import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, headless; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Sign in through the dashboard's own form. */
export async function signInAs(browser: Browser, url: string, name: string, password: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.fill('#login input[name=name]', name);
  await page.fill('#login input[name=password]', password);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#app:not([hidden])');
  return page;
}
