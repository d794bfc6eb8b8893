#!/usr/bin/env node
// Browser test of the search page (soeg/): types Danish queries with æ/ø/å into the form of a built
// site served under a path prefix, and checks that the right report comes back, with a link that
// carries the prefix; runs axe on the page with its results shown (the axe gate sees it empty).
// Also checks that without JavaScript the page explains itself.
//
//   node search.mjs <dir> [prefix=/rapporter/] [query=expected-slug ...]
//
// Default queries are words of the example site that occur in exactly one report. Exit 1 when a
// query finds nothing, finds the wrong report first, or the page fails to load.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { assertDir, launchBrowser, normalisePrefix, seconds } from './lib.mjs';
import { startServer } from './serve.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** axe violations on the page as it is now, one line each. */
async function axeProblems(tab) {
  await tab.evaluate(AXE_SOURCE);
  const result = await tab.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS,
  );
  return result.violations.flatMap((v) => v.nodes.map((n) => `axe ${v.id}: ${v.help} at ${n.target.join(' ')}`));
}

const DEFAULT_QUERIES = [
  'årsværk=job-veu-evaluering-2021',
  'netværksmøde=puljeopslag-uddannelsesambassadoerer-2016',
  'beskæftigelsesmål=a-kassesamarbejde-koebenhavn-2024',
];

async function query(context, url, text, want) {
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (err) => errors.push(err.message));
  try {
    await tab.goto(url, { waitUntil: 'load', timeout: 30_000 });
    await tab.locator('#search-query').pressSequentially(text, { delay: 20 });
    await tab.locator('.search-form button[type=submit]').click();
    const first = tab.locator('#search-results li a').first();
    await first.waitFor({ timeout: 15_000 });
    const href = await first.getAttribute('href');
    const status = await tab.locator('#search-status').textContent();
    const problems = [...errors, ...(await axeProblems(tab))];
    if (href !== want) problems.push(`first result links to ${href}, expected ${want}`);
    if (!status.includes(text)) problems.push(`status ${JSON.stringify(status)} does not name the query`);
    return { href, status, problems };
  } catch (err) {
    return { href: null, status: null, problems: [...errors, err.message] };
  } finally {
    await tab.close();
  }
}

async function withoutScript(origin, url) {
  const browser = await launchBrowser({ javaScriptEnabled: false });
  try {
    const tab = await browser.context.newPage();
    await tab.goto(url, { waitUntil: 'load', timeout: 30_000 });
    const status = (await tab.locator('#search-status').textContent()) || '';
    return /JavaScript/.test(status) ? [] : [`without JavaScript the page says ${JSON.stringify(status)}`];
  } finally {
    await browser.close();
  }
}

async function main() {
  const [dir, prefixArg, ...args] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node search.mjs <dir> [prefix=/rapporter/] [query=expected-slug ...]');
    return 2;
  }
  assertDir(dir);
  const prefix = normalisePrefix(prefixArg || '/rapporter/');
  const queries = (args.length ? args : DEFAULT_QUERIES).map((q) => {
    const [text, slug] = q.split('=');
    return { text, want: `${prefix}${slug}/` };
  });
  const start = Date.now();
  const server = await startServer({ root: dir, prefix });
  const url = `${server.origin}${prefix}soeg/`;
  let failures = 0;
  let browser;
  try {
    browser = await launchBrowser();
    for (const { text, want } of queries) {
      const { href, status, problems } = await query(browser.context, url, text, want);
      if (problems.length) {
        failures++;
        console.log(`search: "${text}" FAILED: ${problems.join('; ')}`);
      } else {
        console.log(`search: "${text}" -> ${href} (${status.trim()})`);
      }
    }
    const noScript = await withoutScript(server.origin, url);
    failures += noScript.length;
    noScript.forEach((p) => console.log(`search: ${p}`));
    if (!noScript.length) console.log('search: without JavaScript the page explains that search needs it');
  } finally {
    if (browser) await browser.close();
    await server.close();
  }
  console.log(`search: ${queries.length} queries under ${prefix}, ${failures} failure(s) in ${seconds(start)} s`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`search: ${err.message}`);
    process.exit(1);
  },
);
