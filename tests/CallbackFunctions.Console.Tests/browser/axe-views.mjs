// axe-core on every view, at 1280 px and at a phone's 375 px: no serious or critical violation. Also: the skip link
// comes first by keyboard and works, and nothing scrolls the page sideways on a phone. The agent view is checked with an alert
// ringing, its answer played here (an offer rings for seconds only; this one rings for as long as the check takes).
import { run, open, need, check, axe, screenshot } from './lib.mjs';

const callbackId = need('CONSOLE_CALLBACK_ID');
const agentId = need('CONSOLE_AGENT');

const alert = {
  agentId, callbackId, offer: 1, name: 'Dana Whitfield', number: '+14155550142', types: ['lead', 'previous customer'],
  location: 'Oakland, CA', adSource: 'Spring radio campaign', dialledNumber: '+14155550100', queue: 'support',
  comment: 'Asked about the renewal price', offeredAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 20_000).toISOString(),
};

const views = [
  ['board', '#/board', 'Queue support'],
  ['callback-page', `#/callbacks/${callbackId}`, 'Timeline'],
  ['rules', '#/rules/contact-center', 'Save the rule'],
  ['agents', '#/agents', 'Add an agent'],
  ['contacts', '#/contacts', 'Dana Whitfield'],
  ['agent', `#/agent/${agentId}`, 'Accept'],
];

await run('axe-core finds no serious or critical violation on any view, at 1280 and 375 px', async ({ newPage }) => {
  for (const width of [1280, 375]) {
    const page = await newPage({ width, height: width === 375 ? 812 : 900 });
    await page.route(`**/api/agents/${agentId}/alert`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(alert) }));
    for (const [name, hash, ready] of views) {
      await open(page, hash);
      await page.getByText(ready, { exact: true }).first().waitFor();
      await axe(page, `${name} at ${width} px`);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      check(sideways <= 1, `${name} at ${width} px scrolls the page sideways by ${sideways} px`);
      if (width === 1280 && name !== 'callback-page') await screenshot(page, name === 'agent' ? 'agent-alert' : name);
      if (width === 375 && (name === 'board' || name === 'agent')) await screenshot(page, `${name}-phone`);
    }
    // By keyboard: the skip link is the first thing Tab reaches (first focusable in the page's order), shows when
    // focused, and moves the focus to the content.
    await open(page, '#/board');
    const first = await page.evaluate(() => document.querySelector('a[href], button:not([hidden]), input, select, textarea, [tabindex]:not([tabindex="-1"])')?.textContent);
    check(first === 'Skip to content', `the first focusable element is ${first}, not the skip link`);
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await skip.focus();
    const box = await skip.boundingBox();
    check(box && box.x >= 0 && box.y >= 0, 'the focused skip link is not on screen');
    await page.keyboard.press('Enter');
    check(await page.evaluate(() => document.activeElement?.id) === 'main', 'the skip link does not move the focus to the content');
  }
});
