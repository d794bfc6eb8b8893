#!/usr/bin/env node
// Gate: the Nu Html Checker (vnu-jar, run with the machine's java) over every .html/.htm file and
// every .svg file under <dir>.
//
//   node validate.mjs <dir>
//
// HTML files are checked as HTML and SVG files as SVG (`--svg`), each in one vnu run with an explicit
// file list, so SVGs are really checked (vnu's `--skip-non-html` would silently skip them).
// Exit 0: no errors. Exit 1: errors found (each printed as file:line:col: error: message).
// Exit 2: usage problem, no HTML found, or vnu/java could not run. Warnings are printed, not fatal
// (set QA_VNU_WERROR=1 to make them fatal).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { assertDir, findFiles, seconds } from './lib.mjs';

const require = createRequire(import.meta.url);
const VNU_JAR = String(require('vnu-jar'));
const VNU_VERSION = require('vnu-jar/package.json').version;
const JAVA = process.env.QA_JAVA || 'java';
const WERROR = process.env.QA_VNU_WERROR === '1';
const CHUNK = 400; // files per java run, keeps the command line short

function runVnu(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(JAVA, ['-Xss1m', '-jar', VNU_JAR, '--format', 'json', '--stdout', '--exit-zero-always', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => reject(new Error(`could not run ${JAVA}: ${e.message}`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`vnu exited with ${code}\n${err}${out}`));
      try {
        resolve(JSON.parse(out).messages || []);
      } catch {
        reject(new Error(`vnu printed no JSON\n${err}${out}`));
      }
    });
  });
}

async function check(dir, files, extraArgs) {
  const messages = [];
  for (let i = 0; i < files.length; i += CHUNK) {
    const chunk = files.slice(i, i + CHUNK).map((f) => path.join(dir, f));
    messages.push(...(await runVnu([...extraArgs, ...chunk])));
  }
  return messages;
}

function where(dir, msg) {
  let file = msg.url || '';
  if (file.startsWith('file:')) file = fileURLToPath(file);
  if (file) file = path.relative(process.cwd(), file) || file;
  const line = msg.lastLine ?? msg.firstLine;
  const col = msg.firstColumn ?? msg.lastColumn;
  return `${file}${line ? `:${line}` : ''}${line && col ? `:${col}` : ''}`;
}

async function main() {
  const dir = process.argv[2];
  if (!dir || process.argv.length > 3) {
    console.error('usage: node validate.mjs <dir>');
    return 2;
  }
  assertDir(dir);
  const start = Date.now();
  const html = findFiles(dir, ['.html', '.htm']);
  const svg = findFiles(dir, ['.svg']);
  if (html.length === 0) {
    console.error(`validate: no .html files under ${dir}`);
    return 2;
  }
  const messages = [...(await check(dir, html, ['--html'])), ...(svg.length ? await check(dir, svg, ['--svg']) : [])];

  let errors = 0;
  let warnings = 0;
  for (const m of messages) {
    const isWarning = m.type === 'info' && m.subType === 'warning';
    const isError = m.type === 'error' || m.type === 'non-document-error' || (WERROR && isWarning);
    if (m.type === 'info' && !isWarning) continue; // plain info messages are noise
    if (isError) errors++;
    else warnings++;
    const kind = isError ? 'error' : 'warning';
    console.log(`${where(dir, m)}: ${kind}: ${m.message}`);
    if (m.extract) console.log(`    ${m.extract.replace(/\s+/g, ' ').trim()}`);
  }
  console.log(
    `validate: checked ${html.length} HTML and ${svg.length} SVG file(s) under ${dir} with vnu ${VNU_VERSION}: ` +
      `${errors} error(s), ${warnings} warning(s) in ${seconds(start)} s`,
  );
  return errors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`validate: ${err.message}`);
    process.exit(2);
  },
);
