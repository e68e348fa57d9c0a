// A supervisor adds a contact: a number the API refuses is shown next to the field and nothing is saved; fixed, it
// is saved and listed (its number masked).
import { run, open, check, masked } from './lib.mjs';

await run('a supervisor adds a contact, with the API\'s refusal shown inline first', async ({ newPage }) => {
  const page = await newPage();
  await open(page, '#/contacts');
  await page.getByRole('button', { name: 'Add a contact' }).click();
  await page.getByLabel('Id').fill('jo-lee');
  await page.getByLabel('Name').fill('Jo Lee');
  await page.getByLabel('Numbers').fill('12');
  await page.getByLabel('Lead').check();
  await page.getByLabel('Customer', { exact: true }).check();
  await page.getByLabel('Campaign').fill('spring');
  await page.getByRole('button', { name: 'Save' }).click();
  const note = page.locator('#contact-numbers-error');
  await note.waitFor();
  check(/not a valid phone number/.test(await note.innerText()), `unexpected message for a bad number: ${await note.innerText()}`);
  check(await page.getByRole('region', { name: 'Contacts' }).count() === 0, 'a contact was listed after a refused save');

  await page.getByLabel('Numbers').fill('+1 415 555 0152');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved jo-lee.' }).waitFor();
  const row = page.getByRole('region', { name: 'Contacts' }).locator('tr', { hasText: 'Jo Lee' });
  await row.waitFor();
  check((await row.innerText()).includes(masked('+14155550152')), `the list does not show the number masked: ${await row.innerText()}`);
});
