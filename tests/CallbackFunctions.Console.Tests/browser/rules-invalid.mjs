// The rules editor puts the API's message for an interval of 0 next to the field, and saves nothing.
import { run, open, check, screenshot } from './lib.mjs';

await run('the rules editor shows the API\'s message for an interval of 0 and saves nothing', async ({ newPage }) => {
  const page = await newPage();
  await open(page, '#/rules/contact-center');
  const intervals = page.getByLabel('Dialling intervals');
  const before = await intervals.inputValue();
  check(before && before !== '00:00:00', `unexpected intervals before the test: ${before}`);
  const version = await page.getByText(/^Version \d+\./).innerText();
  // The rule's saved versions are listed (none or more; a refused save adds none).
  const history = page.getByRole('heading', { name: 'Saved versions' });
  await history.waitFor();
  const savedRows = async () => page.locator('section[aria-labelledby="rule-history"] tbody tr').count();
  const savedBefore = await savedRows();

  await intervals.fill('00:00:00');
  await page.getByRole('button', { name: 'Save the rule' }).click();
  const note = page.locator('#rule-intervals-error');
  await note.waitFor();
  const text = await note.innerText();
  // The API's own words (RuleFunctions), not the console's.
  check(/00:00:00; each must be between/.test(text), `the message next to the field is not the API's: ${text}`);
  check(await intervals.getAttribute('aria-invalid') === 'true', 'the field is not marked invalid');
  check((await intervals.getAttribute('aria-describedby') ?? '').includes('rule-intervals-error'), 'the field does not point to its error');
  check(await intervals.evaluate((el) => el === document.activeElement), 'the focus is not on the field in error');
  await page.getByText(/^Not saved/).first().waitFor();
  await screenshot(page, 'rules-error');

  await page.reload();
  await intervals.waitFor();
  check(await intervals.inputValue() === before, `the intervals changed: ${await intervals.inputValue()}`);
  check(await page.getByText(/^Version \d+\./).innerText() === version, 'the rule\'s version changed');
  await history.waitFor();
  check(await savedRows() === savedBefore, `the saved versions went from ${savedBefore} to ${await savedRows()}`);
});
