#!/usr/bin/env node
// PNG screenshots of a built site, for people to look at (CI writes them to target/qa/screenshots/).
//
//   node screenshot.mjs <dir> <outdir> [page ...]
//
// Pages are paths inside the site such as `/`, `my-report/` or `404.html`. Default: the site index
// and the first report page (the first `<dir>/*/index.html`, in name order, outside `static/`), and
// the search page when there is one.
// For each page, a full-page desktop shot (1280 px wide) `<name>.png` and a phone-width shot
// (320 px, the narrowest width WCAG 1.4.10 asks pages to reflow to) `<name>-mobile.png` are written.
// Exit non-zero when a page fails, the browser won't start, or a page is wider than the phone viewport
// (content must scroll in its own container, never the whole page sideways).
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { assertDir, fileToUrlPath, launchBrowser, seconds } from './lib.mjs';
import { startServer } from './serve.mjs';

function defaultPages(dir) {
  const pages = ['/'];
  const report = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'static' && e.name !== '404' && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .find((name) => {
      try {
        return statSync(path.join(dir, name, 'index.html')).isFile();
      } catch {
        return false;
      }
    });
  if (report) pages.push(`/${report}/`);
  if (statSync(path.join(dir, 'soeg', 'index.html'), { throwIfNoEntry: false })?.isFile()) pages.push('/soeg/');
  return pages;
}

function shotName(page) {
  const clean = page.replace(/^\/+|\/+$/g, '').replace(/\.html?$/, '').replace(/[^A-Za-z0-9._-]+/g, '_');
  return clean || 'index';
}

async function main() {
  const [dir, outdir, ...args] = process.argv.slice(2);
  if (!dir || !outdir) {
    console.error('usage: node screenshot.mjs <dir> <outdir> [page ...]');
    return 2;
  }
  assertDir(dir);
  mkdirSync(outdir, { recursive: true });
  const pages = args.length ? args : defaultPages(dir);
  const start = Date.now();
  const server = await startServer({ root: dir, prefix: '/' });
  let browser;
  let failures = 0;
  try {
    browser = await launchBrowser();
    const viewports = [
      { suffix: '', viewport: { width: 1280, height: 800 } },
      { suffix: '-mobile', viewport: { width: 320, height: 720 } },
    ];
    for (const page of pages) {
      const urlPath = page.startsWith('/') ? page : fileToUrlPath(page, '/');
      for (const { suffix, viewport } of viewports) {
        const tab = await browser.context.newPage();
        try {
          await tab.setViewportSize(viewport);
          const res = await tab.goto(server.origin + urlPath, { waitUntil: 'load', timeout: 30_000 });
          await tab.evaluate(() => document.fonts.ready);
          const file = path.join(outdir, `${shotName(page)}${suffix}.png`);
          await tab.screenshot({ path: file, fullPage: true });
          const status = res ? res.status() : 0;
          const wide = await tab.evaluate(() => document.documentElement.scrollWidth);
          if (wide > viewport.width) {
            failures++;
            console.log(`screenshot: ${urlPath} is ${wide} px wide at ${viewport.width} px (page overflows sideways)`);
          } else if (status !== 200 && !/404/.test(page)) {
            failures++;
            console.log(`screenshot: ${urlPath} answered ${status} (saved ${file} anyway)`);
          } else {
            console.log(`screenshot: ${urlPath} -> ${file}`);
          }
        } catch (err) {
          failures++;
          console.log(`screenshot: ${urlPath} FAILED: ${err.message}`);
        } finally {
          await tab.close();
        }
      }
    }
  } finally {
    if (browser) await browser.close();
    await server.close();
  }
  console.log(`screenshot: ${pages.length} page(s) in ${seconds(start)} s`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`screenshot: FAILED: ${err.message}`);
    process.exit(2);
  },
);
