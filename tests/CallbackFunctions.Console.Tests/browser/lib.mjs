// What every browser scenario shares: Debian's Chromium driven by playwright-core (no browser of Playwright's own),
// the console's URL and key from the environment, a check that the page logged no error, axe-core, screenshots.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const baseUrl = need('CONSOLE_BASE_URL').replace(/\/$/, '');
export const consoleUrl = `${baseUrl}/console`;
/** The function key to type when the console asks; empty when the app checks none. */
export const functionKey = process.env.CONSOLE_FUNCTION_KEY ?? '';
const screenshots = process.env.CONSOLE_SCREENSHOTS || null;

export function need(name) {
  const value = process.env[name];
  if (!value) fail(`the environment variable ${name} is not set`);
  return value;
}

export function fail(message) {
  console.error(`FAILED: ${message}`);
  process.exit(1);
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * Runs `scenario({ newPage })` in a fresh headless Chromium, then exits 0, or 1 with the reason. `newPage({ width })`
 * opens a page in a context of its own (1280 px wide by default; 375 for a phone). Any console error, uncaught
 * exception or CSP violation on any page fails the scenario too.
 */
export async function run(name, scenario) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true });
  const problems = [];
  const newPage = async ({ width = 1280, height = 900 } = {}) => {
    const context = await browser.newContext({ viewport: { width, height }, reducedMotion: 'reduce', locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    // A refusal the console shows on purpose (404 no alert, 400/409 from the API) is logged by Chromium as a failed resource: not a fault.
    page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`); });
    return page;
  };
  let code = 0;
  try {
    await scenario({ newPage });
    check(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
    console.log(`PASSED: ${name}`);
  } catch (e) {
    console.error(`FAILED: ${name}: ${e.message}`);
    code = 1;
  } finally {
    await browser.close();
  }
  process.exit(code);
}

/** Opens the console at `hash`; types the key when it asks for one. */
export async function open(page, hash = '#/board') {
  await page.goto(`${consoleUrl}${hash}`);
  const prompt = page.getByLabel('Function key');
  const view = page.locator('main h1');
  await view.first().waitFor();
  if (await prompt.isVisible()) {
    check(functionKey, 'the console asks for a function key and CONSOLE_FUNCTION_KEY is empty');
    await prompt.fill(functionKey);
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.waitForURL(/#\//);
    await page.locator('main h1:not(:text("Function key"))').first().waitFor();
  }
}

/** axe-core on the page as it is: no serious or critical violation (WCAG 2.x A and AA rules and best practices). */
export async function axe(page, what) {
  // Evaluated through the DevTools protocol: the console's CSP (rightly) refuses an injected <script>.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `axe found ${bad.length} serious or critical violation(s) on ${what}:\n  ` +
    bad.map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`).join('\n  '));
  return result.violations.length;
}

/** A screenshot under CONSOLE_SCREENSHOTS (docs/console when refreshing the README's), by a fixed name. */
export async function screenshot(page, name) {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/**
 * Plays the Functions host's key check in front of the local host, which checks none: a request to a keyed route
 * without the right x-functions-key is answered 401 with no body, as Azure answers it. Returns every API request the
 * page made (URL and the key header it carried), for the checks that the key never goes into a URL.
 */
export async function requireKey(page, key) {
  const seen = [];
  await page.route('**/api/**', (route) => {
    const request = route.request();
    const header = request.headers()['x-functions-key'] ?? null;
    seen.push({ url: request.url(), header });
    if (new URL(request.url()).pathname.startsWith('/console')) return route.continue();
    return header === key ? route.continue() : route.fulfill({ status: 401, body: '' });
  });
  return seen;
}

/** The masked form the boards show (+14155550177 → +1415•••0177). */
export const masked = (number) => number.slice(0, 5) + '•••' + number.slice(-4);
