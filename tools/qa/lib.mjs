// Shared helpers for the evalpress quality gates (no dependencies beyond node and playwright-core).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Every file under `dir` (recursively) whose name ends with one of `exts`, sorted, as paths relative to `dir` with `/`. */
export function findFiles(dir, exts) {
  const out = [];
  const walk = (rel) => {
    const abs = path.join(dir, rel);
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(childRel);
      else if (entry.isFile() && exts.some((e) => entry.name.toLowerCase().endsWith(e))) out.push(childRel);
    }
  };
  walk('');
  return out.sort();
}

/** Normalises a path prefix to the form `/`, `/rapporter/`. */
export function normalisePrefix(prefix) {
  let p = prefix || '/';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) p = new URL(p).pathname; // a full base URL: keep its path
  if (!p.startsWith('/')) p = `/${p}`;
  if (!p.endsWith('/')) p = `${p}/`;
  return p;
}

/** URL path under which an output file is served: `index.html` -> `/p/`, `x/index.html` -> `/p/x/`, `404.html` -> `/p/404.html`. */
export function fileToUrlPath(relFile, prefix) {
  const p = normalisePrefix(prefix);
  let rel = relFile;
  if (rel === 'index.html') rel = '';
  else if (rel.endsWith('/index.html')) rel = rel.slice(0, -'index.html'.length);
  return p + rel.split('/').map(encodeURIComponent).join('/');
}

/** Every HTML page of a built site, as `{ file, urlPath }`. */
export function discoverPages(dir, prefix) {
  return findFiles(dir, ['.html', '.htm']).map((file) => ({ file, urlPath: fileToUrlPath(file, prefix) }));
}

export function assertDir(dir, what = 'site folder') {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new Error(`${what} ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new Error(`${what} ${dir} is not a folder`);
}

export const CHROMIUM = process.env.QA_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--disable-breakpad',
  '--disable-crash-reporter',
  '--no-first-run',
  '--no-default-browser-check',
  '--mute-audio',
  '--hide-scrollbars',
  '--font-render-hinting=none',
];

/**
 * Launches Debian's chromium through playwright-core with a fresh, throw-away profile.
 * Returns `{ context, close }`. Throws (never skips) when the browser cannot start.
 */
export async function launchBrowser(contextOptions = {}) {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'evalpress-qa-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
      viewport: { width: 1280, height: 800 },
      locale: 'da-DK',
      timezoneId: 'Europe/Copenhagen',
      reducedMotion: 'reduce',
      colorScheme: 'light',
      bypassCSP: true, // axe is injected into pages that may forbid scripts
      ...contextOptions,
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`could not launch ${CHROMIUM}: ${err.message}`);
  }
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export function seconds(startMs) {
  return ((Date.now() - startMs) / 1000).toFixed(1);
}
