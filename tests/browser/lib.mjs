// Shared helpers of the browser tests: the server under test (LENACARE_URL), its demo accounts
// (LENACARE_ACCOUNTS), the CLI for the engine's own answers (LENACARE_BIN), Debian's Chromium
// driven by Playwright, axe-core, and screenshots (LENACARE_ARTIFACTS). scripts/browser-test sets
// the environment; see it for how to run these tests.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..', '..');

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests with scripts/browser-test`);
  return v;
}

export const BASE = need('LENACARE_URL').replace(/\/+$/, '');
export const BIN = need('LENACARE_BIN');
export const ARTIFACTS = resolve(process.env.LENACARE_ARTIFACTS || join(REPO, 'build-test', 'browser-artifacts'));
export const url = (path) => BASE + path;

// The demo accounts `lenacare serve --demo` wrote: [{username, role, password, patient}].
export const ACCOUNTS = JSON.parse(readFileSync(need('LENACARE_ACCOUNTS'), 'utf8'));
export function account(role) {
  const a = ACCOUNTS.find((x) => x.role === role);
  assert.ok(a, `no demo account with role ${role} in ${process.env.LENACARE_ACCOUNTS}`);
  return a;
}

// The slugs of knowledge/pages/*.md by section, from their front matter.
export function knowledgePages() {
  const dir = join(REPO, 'knowledge', 'pages');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const slug = /^slug\s*=\s*"([^"]+)"/m.exec(text)?.[1];
      const section = /^section\s*=\s*"([^"]+)"/m.exec(text)?.[1];
      return { file: f, slug, section };
    });
}
export const SECTION_PATH = { drug: '/info', guide: '/guides', checklist: '/checklists' };

// The engine's answer: `lenacare <args> --json`, parsed (`input` is its standard input, for "-").
// Exit 0 (answered) and 1 (cannot assess) give the JSON; bad input (2) and failure (3) throw.
export function cli(args, input = undefined) {
  try {
    const out = execFileSync(BIN, [...args, '--json'], {
      encoding: 'utf8',
      input,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    return JSON.parse(out);
  } catch (e) {
    if (e.status === 1 && e.stdout) return JSON.parse(e.stdout);
    throw new Error(`lenacare ${args.join(' ')} --json: exit ${e.status}: ${e.stderr || e.stdout || e.message}`);
  }
}

// Today's date as the server sees it (the server and the tests run on the same machine).
export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox', // the tests run as root in CI containers
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: 60_000,
  });
}

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
export const AXE_VERSION = require('axe-core/package.json').version;

// A browser context. With `axe`, axe-core is added to every document as an init script (through
// the DevTools protocol, so the app's CSP `script-src 'self'` stays in force for the page itself).
export async function newContext(browser, { axe = false, viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ viewport, baseURL: BASE });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  if (axe) await context.addInitScript({ path: AXE_PATH });
  recordVisits(context);
  return context;
}

// Every page a test visits (the path and query of each main-frame navigation, with the demo role
// of the context when it signed in as one, else "anonymous"), appended to ARTIFACTS/visited.jsonl:
// phone.test.mjs visits them again at a phone's width.
export const VISITED = join(ARTIFACTS, 'visited.jsonl');
function recordVisits(context) {
  context.on('page', (page) => {
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      const u = new URL(frame.url());
      if (!frame.url().startsWith(BASE)) return;
      mkdirSync(ARTIFACTS, { recursive: true });
      appendFileSync(VISITED, JSON.stringify({ role: context.lenacareRole ?? 'anonymous', path: u.pathname + u.search }) + '\n');
    });
  });
}

// Console errors and page errors of a page, collected from now on.
export function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location()?.url ?? ''})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return errors;
}

// axe-core on the current document: the violations with impact serious or critical, as lines.
export async function seriousViolations(page) {
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    if (typeof axe === 'undefined') return { missing: true };
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return {
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ')}`),
      })),
    };
  });
  assert.ok(!result.missing, 'axe-core was not injected');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.slice(0, 5).join('\n      ')}`);
}

// Signs in through the sign-in form; returns the page (now at the role's home page).
export async function signIn(page, role) {
  const a = account(role);
  await page.goto(url('/sign-in'));
  await page.fill('#username', a.username);
  await page.fill('#password', a.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in"] button[type="submit"]')]);
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 10_000 }).catch(() => {});
  if (new URL(page.url()).pathname.startsWith('/sign-in')) {
    const error = page.locator('#sign-in-error');
    const why = (await error.count()) ? await error.innerText() : 'no #sign-in-error';
    assert.fail(`sign-in as ${a.username} failed: ${why}`);
  }
  return a;
}

// A signed-in context and page for a role.
export async function signedIn(browser, role, opts = {}) {
  const context = await newContext(browser, opts);
  context.lenacareRole = role;
  const page = await context.newPage();
  const errors = watchErrors(page);
  const a = await signIn(page, role);
  return { context, page, errors, account: a };
}

// Full-page screenshots at a phone and a desktop size: ARTIFACTS/<name>-phone.png, -desktop.png.
export const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
export async function screenshots(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const original = page.viewportSize();
  const files = [];
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    const file = join(ARTIFACTS, `${name}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  if (original) await page.setViewportSize(original);
  return files;
}

// The text of an element with whitespace collapsed.
export async function text(page, selector) {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

// Fills a form's fields by name (a select by its option value); each name must be one input.
export async function fill(form, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const input = form.locator(`[name="${name}"]`);
    assert.equal(await input.count(), 1, `no single input named ${name}`);
    const tag = await input.evaluate((e) => e.tagName.toLowerCase());
    if (tag === 'select') await input.selectOption(value);
    else await input.fill(value);
  }
}

// Submits a form and waits for the page it leads to; returns the HTTP status.
export async function submit(page, form) {
  const [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('button[type="submit"]').click()]);
  return r.status();
}

// A day relative to today, as YYYY-MM-DD.
export const day = (offset) => new Date(Date.parse(today()) + offset * 86_400_000).toISOString().slice(0, 10);

// What no page may say (issues 16 and 17): references to the research notes the knowledge was
// compiled from, command-line option names and internal field paths. The same patterns as the
// unit tests' scan (tests/unit/test_support.cpp).
const RESEARCH = /label-facts|content-facts|standards\.md|standards §|shared\/clinical|\[(UNV|SEC|V-old|V2-old|V1|V2|V1-primary|C1|C2|R|!|CONFLICT|DISCREPANCY)[\]/ ;,]|\bS[0-9]{1,2}\b/g;
const INTERFACE = /(^|[\s("'`])--[a-z][a-z0-9-]+|\bpatient\.[a-z_]+/g;
export function plainLanguageProblems(text) {
  const out = [];
  for (const re of [RESEARCH, INTERFACE]) {
    for (const m of text.matchAll(re)) out.push(`${m[0].trim()} in "…${text.slice(Math.max(0, m.index - 40), m.index + 60).replace(/\s+/g, ' ')}…"`);
  }
  return out;
}
