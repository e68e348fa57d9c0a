// An agent rejects a callback in the browser while their phone rings: the alert closes, and the callback goes to the
// next agent (the test checks through the API that the second agent took it and the customer was connected).
import { run, open, need } from './lib.mjs';

const agentId = need('CONSOLE_AGENT');

await run('a reject in the browser hands the callback to the next agent', async ({ newPage }) => {
  const page = await newPage();
  await open(page, `#/agent/${agentId}`);
  const panel = page.getByRole('region', { name: 'Callback alert' });
  await panel.getByText('No callback is ringing you.').waitFor();
  console.log('READY: the agent view is open; ring the agent');

  const reject = panel.getByRole('button', { name: 'Reject' });
  await reject.waitFor({ timeout: 30_000 });
  await reject.click();
  await page.getByRole('status').filter({ hasText: 'Rejected' }).waitFor();
  await panel.getByText('No callback is ringing you.').waitFor();
});
