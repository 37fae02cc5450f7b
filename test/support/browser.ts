import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { App } from '../../server/app.ts';
import { createTestApp, TEST_PASSWORD, type TestContext } from './test-app.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with nothing reaching out to the network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Serves the app on a free loopback port. */
export async function serve(app: App): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type Served = Awaited<ReturnType<typeof serve>>;

/** What a browser suite opens in its `before`: the app on the loopback, a Chromium, the screenshot folder. */
export async function openBrowserSuite(app: App, shots?: string): Promise<{ server: Served; browser: Browser }> {
  const server = await serve(app);
  const browser = await launchBrowser();
  if (shots) fs.mkdirSync(shots, { recursive: true });
  return { server, browser };
}

/** Its `after`: closes whatever was opened, even when `before` failed half-way. */
export async function closeBrowserSuite(
  browser: Browser | undefined,
  server: Served | undefined,
  ctx: { close(): Promise<void> } | undefined,
): Promise<void> {
  await browser?.close();
  await server?.close();
  await ctx?.close();
}

/** Collects console errors (CSP violations show up there) and failed requests of a page. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A request cut short by the next navigation is not a problem; any other failure is.
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

export async function signInThroughForm(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/connexion`);
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

/** A browser suite's shared pieces, set once its `before` has run. */
export interface BrowserSuite<T> {
  ctx: TestContext;
  browser: Browser;
  server: Served;
  /** What `seed` returned (the accounts the tests sign in with…). */
  seeded: T;
}

/**
 * Registers a suite's `before` (a test app seeded by `seed`, served on the loopback, a Chromium) and its
 * `after` (everything closed, even when `before` failed half-way). Call it inside `describe`.
 */
export function browserSuite<T>(shots: string, seed: (ctx: TestContext) => Promise<T>): BrowserSuite<T> {
  const suite = {} as BrowserSuite<T>;
  before(async () => {
    suite.ctx = await createTestApp();
    suite.seeded = await seed(suite.ctx);
    Object.assign(suite, await openBrowserSuite(suite.ctx.app, shots));
  });
  after(async () => {
    await closeBrowserSuite(suite.browser, suite.server, suite.ctx);
  });
  return suite;
}

/** A French page `width` px wide (or other context options), watched for problems, signed in when `email` is given. */
export async function openPage(
  suite: Pick<BrowserSuite<unknown>, 'browser' | 'server'>,
  options: { width?: number; height?: number; email?: string; password?: string; javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await suite.browser.newContext({
    locale: 'fr-FR',
    viewport: { width: options.width ?? 1366, height: options.height ?? 900 },
    ...(options.javaScriptEnabled === false ? { javaScriptEnabled: false } : {}),
  });
  const page = await context.newPage();
  const problems = watchProblems(page);
  if (options.email) await signInThroughForm(page, suite.server.url, options.email, options.password ?? TEST_PASSWORD);
  return { context, page, problems };
}
