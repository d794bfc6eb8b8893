#!/usr/bin/env node
// Gate: axe-core (WCAG 2.0/2.1 A and AA rules) on every page of a built site, in Debian's chromium.
//
//   node axe.mjs <dir> [prefix=/]
//
// Serves <dir> under <prefix> with serve.mjs, finds every .html file in <dir> (so new pages are
// covered without configuration), opens each page and runs axe. Also fails when a page does not load
// with status 200, when a sub-resource (stylesheet, image, ...) fails to load, or when a page throws.
// Exit 0: no violations. Exit 1: violations or page problems. Exit 2: usage, no pages, or the browser
// could not be launched (never treated as a skip).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { assertDir, discoverPages, launchBrowser, normalisePrefix, seconds } from './lib.mjs';
import { startServer } from './serve.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_VERSION = require('axe-core/package.json').version;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function auditPage(context, origin, page) {
  const problems = [];
  const url = origin + page.urlPath;
  const tab = await context.newPage();
  tab.on('pageerror', (e) => problems.push({ rule: 'page-error', help: `uncaught exception: ${e.message}`, targets: [] }));
  const badUrls = new Set();
  tab.on('response', (r) => {
    if (r.status() >= 400 && r.url() !== url && !r.url().endsWith('/favicon.ico')) {
      badUrls.add(r.url());
      problems.push({ rule: 'broken-resource', help: `${r.url()} answered ${r.status()}`, targets: [] });
    }
  });
  tab.on('requestfailed', (r) => {
    if (badUrls.has(r.url())) return; // already reported with its status
    problems.push({ rule: 'request-failed', help: `${r.url()} failed: ${r.failure()?.errorText}`, targets: [] });
  });
  try {
    const res = await tab.goto(url, { waitUntil: 'load', timeout: 30_000 });
    if (!res || res.status() !== 200) {
      problems.push({ rule: 'page-status', help: `${url} answered ${res ? res.status() : 'nothing'}`, targets: [] });
    }
    await tab.evaluate(AXE_SOURCE);
    const result = await tab.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
      TAGS,
    );
    for (const v of result.violations) {
      for (const node of v.nodes) {
        problems.push({
          rule: v.id,
          impact: node.impact || v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          targets: node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)),
          html: node.html,
          summary: node.failureSummary,
        });
      }
    }
    return { problems, incomplete: result.incomplete?.length ?? 0 };
  } finally {
    await tab.close();
  }
}

async function main() {
  const [dir, prefixArg = '/'] = process.argv.slice(2);
  if (!dir || process.argv.length > 4) {
    console.error('usage: node axe.mjs <dir> [prefix=/]');
    return 2;
  }
  assertDir(dir);
  const prefix = normalisePrefix(prefixArg);
  const pages = discoverPages(dir, prefix);
  if (pages.length === 0) {
    console.error(`axe: no .html pages under ${dir}`);
    return 2;
  }
  const start = Date.now();
  const server = await startServer({ root: dir, prefix });
  let browser;
  try {
    try {
      browser = await launchBrowser();
    } catch (err) {
      console.error(`axe: FAILED: ${err.message}`);
      return 2;
    }
    console.log(`axe ${AXE_VERSION} (${TAGS.join(', ')}) on ${pages.length} page(s) at ${server.baseUrl}`);
    let total = 0;
    let failedPages = 0;
    for (const page of pages) {
      const { problems } = await auditPage(browser.context, server.origin, page);
      if (problems.length === 0) {
        console.log(`  ok    ${page.urlPath}`);
        continue;
      }
      failedPages++;
      total += problems.length;
      console.log(`  FAIL  ${page.urlPath}  (${page.file})`);
      for (const p of problems) {
        console.log(`    ${page.urlPath}: ${p.rule}${p.impact ? ` [${p.impact}]` : ''}: ${p.help}`);
        for (const t of p.targets) console.log(`      target: ${t}`);
        if (p.html) console.log(`      html:   ${p.html.replace(/\s+/g, ' ').slice(0, 300)}`);
        if (p.helpUrl) console.log(`      see:    ${p.helpUrl}`);
      }
    }
    console.log(
      `axe: ${pages.length} page(s), ${failedPages} with problems, ${total} problem(s) under ${prefix} in ${seconds(start)} s`,
    );
    return total > 0 ? 1 : 0;
  } finally {
    if (browser) await browser.close();
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`axe: FAILED: ${err.stack || err.message}`);
    process.exit(2);
  },
);
