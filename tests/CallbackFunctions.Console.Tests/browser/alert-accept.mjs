// An agent accepts a callback in the browser while their phone rings; the simulator connects the customer, and the
// console then shows the callback Completed (its own page, and the board's "done today").
import { run, open, need, check, masked } from './lib.mjs';

const agentId = need('CONSOLE_AGENT');
const customer = need('CONSOLE_CUSTOMER');

await run('an agent accepts a callback in the browser and the customer is connected', async ({ newPage }) => {
  const page = await newPage();
  await open(page, `#/agent/${agentId}`);
  const panel = page.getByRole('region', { name: 'Callback alert' });
  await panel.getByText('No callback is ringing you.').waitFor();
  console.log('READY: the agent view is open; ring the agent');

  const accept = panel.getByRole('button', { name: 'Accept' });
  await accept.waitFor({ timeout: 30_000 });
  check((await panel.innerText()).includes(customer), `the alert does not show the customer's number ${customer}`);
  await accept.click();
  await page.getByRole('status').filter({ hasText: 'Accepted' }).waitFor();

  // The callback's own page, found by the number: Completed once the customer answered.
  await open(page, '#/search');
  await page.getByLabel('Number or callback id').fill(customer);
  await page.getByRole('button', { name: 'Find' }).click();
  const row = page.locator('tr', { hasText: masked(customer) });
  await row.first().waitFor();
  await row.first().getByRole('link').click();
  await page.locator('dd', { hasText: /^Completed$/ }).waitFor({ timeout: 30_000 });
  await page.getByRole('region', { name: 'Timeline' }).getByText('Dialling customer → Completed').waitFor();

  await open(page, '#/board');
  await page.getByText(/^1 completed of 1$/).waitFor({ timeout: 15_000 });
});
