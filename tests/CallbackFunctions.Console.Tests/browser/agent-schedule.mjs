// An agent schedules a callback in 2 minutes for themselves and sees it in their list with its estimate; a number
// the API refuses is shown next to the field.
import { run, open, need, check, screenshot, masked } from './lib.mjs';

const agentId = need('CONSOLE_AGENT');
const customer = need('CONSOLE_CUSTOMER');

await run('an agent schedules a callback in 2 minutes and sees it in their list with its estimate', async ({ newPage }) => {
  const page = await newPage();
  await open(page, '#/agent');
  await page.getByLabel('I am').selectOption(agentId);
  await page.getByRole('button', { name: 'Open my view' }).click();
  await page.getByRole('heading', { name: /^Agent: / }).waitFor();

  // Refused by the API: its message next to the number.
  await page.getByLabel('Customer\'s number').fill('12');
  await page.getByRole('button', { name: 'Schedule' }).click();
  const phoneError = page.locator('#schedule-phone-error');
  await phoneError.waitFor();
  check(/not a valid phone number/.test(await phoneError.innerText()), `unexpected message for a bad number: ${await phoneError.innerText()}`);

  await page.getByLabel('Customer\'s number').fill(customer);
  await page.getByLabel('In some time from now').check();
  await page.getByLabel('Hours').fill('0');
  await page.getByLabel('Minutes').fill('2');
  await page.getByLabel('I handle it myself').check();
  await page.getByLabel('Comment (spoken to the agent)').fill('Renewal questions');
  await page.getByRole('button', { name: 'Schedule' }).click();
  await page.getByRole('status').filter({ hasText: /^Scheduled cb-/ }).waitFor();
  check(!(await phoneError.isVisible()), 'the old error is still shown after a good save');

  const list = page.getByRole('region', { name: 'My pending callbacks' });
  const row = list.locator('tr', { hasText: masked(customer) });
  await row.waitFor();
  const estimate = row.locator('.estimate');
  await estimate.filter({ hasText: /position \d+/ }).waitFor();
  check((await row.innerText()).includes('Renewal questions'), 'the comment is not in the list');
  check((await row.innerText()).includes('(in 2 min)') || (await row.innerText()).includes('(in 1 min)'), `not due in about 2 minutes: ${await row.innerText()}`);
  await screenshot(page, 'agent');
});
