// A supervisor opens the console (the key asked once, kept in sessionStorage, never in a URL), finds a callback by
// the customer's number, opens its timeline and cancels it.
import { run, open, need, check, requireKey, screenshot, masked, functionKey } from './lib.mjs';

const caller = need('CONSOLE_CALLER');
const callbackId = need('CONSOLE_CALLBACK_ID');

await run('a supervisor finds a callback by number, opens its timeline and cancels it', async ({ newPage }) => {
  const page = await newPage();
  check(functionKey, 'CONSOLE_FUNCTION_KEY must be set: this scenario plays the key check');
  const seen = await requireKey(page, functionKey);

  await open(page, '#/search'); // answers the key prompt
  const stored = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: Object.keys(localStorage).length }));
  check(stored.session.includes(functionKey), 'the key is not in sessionStorage after the prompt');
  check(stored.local === 0, 'the console wrote to localStorage');

  // The number as a person types it: the API compares in E.164.
  const typed = `${caller.slice(0, 2)} (${caller.slice(2, 5)}) ${caller.slice(5, 8)}-${caller.slice(8)}`;
  await page.getByLabel('Number or callback id').fill(typed);
  await page.getByRole('button', { name: 'Find' }).click();
  const link = page.getByRole('link', { name: callbackId });
  await link.waitFor();
  const row = page.locator('tr', { has: link });
  check((await row.innerText()).includes(masked(caller)), `the search result does not show ${masked(caller)} masked: ${await row.innerText()}`);
  check(!(await row.innerText()).includes(caller), 'the search result shows the number in full');
  await screenshot(page, 'search');

  await link.click();
  await page.getByRole('heading', { name: `Callback ${callbackId}` }).waitFor();
  await page.locator('.number', { hasText: caller }).waitFor(); // in full on its own page
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await timeline.getByText('Queued').first().waitFor();
  check(await timeline.locator('code', { hasText: /^CA[0-9a-f]{32}$/ }).count() > 0, 'the timeline shows no CallSid of the lost call');
  await screenshot(page, 'callback');

  await page.getByRole('button', { name: 'Cancel this callback' }).click();
  await page.getByRole('status').filter({ hasText: 'Cancelled' }).waitFor();
  await timeline.getByText('Queued → Cancelled').waitFor();
  check(!(await page.getByRole('button', { name: 'Cancel this callback' }).isVisible()), 'Cancel is still offered for a cancelled callback');

  const api = seen.filter((r) => !new URL(r.url).pathname.startsWith('/console'));
  check(api.length > 0, 'the console made no API request');
  check(seen.every((r) => !r.url.includes(functionKey)), 'the key appeared in a URL');
  check(api.filter((r) => r.header !== null).every((r) => r.header === functionKey), 'a request carried another key');
  const keyless = api.filter((r) => r.header === null);
  // Only the probe that finds out whether a key is needed goes without one.
  check(keyless.length === 1, `requests without the key: ${keyless.map((r) => r.url).join(', ')}`);
});
