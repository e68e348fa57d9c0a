// The rules editor switches a part of the whisper off, and the rule is saved with it off.
import { run, open, check } from './lib.mjs';

await run('the rules editor saves a whisper part switched off', async ({ newPage }) => {
  const page = await newPage();
  await open(page, '#/rules/contact-center');
  const comment = page.getByLabel('An agent\'s comment');
  check(await comment.isChecked(), 'the comment part is not on by default');
  await comment.uncheck();
  await page.getByRole('button', { name: 'Save the rule' }).click();
  await page.getByText(/^Saved: version \d+/).first().waitFor();
  check(!(await page.getByLabel('An agent\'s comment').isChecked()), 'the comment part is on again after the save');
  check(await page.getByLabel('The contact\'s name').isChecked(), 'the name part went off');
});
