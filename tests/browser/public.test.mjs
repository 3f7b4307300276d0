// (1) Every public page loads (200, no console or page errors) with the disclaimer and a Sources
// section; (2) axe-core finds no serious or critical violation on it; (8) screenshots of the home
// page and a drug-information page. The pages are discovered from the index pages' links.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  SECTION_PATH,
  knowledgePages,
  launch,
  newContext,
  screenshots,
  seriousViolations,
  url,
  watchErrors,
} from './lib.mjs';

let browser, context, page, errors;

before(async () => {
  browser = await launch();
  context = await newContext(browser, { axe: true });
  page = await context.newPage();
  errors = watchErrors(page);
});
after(async () => {
  await browser?.close();
});

// The links of an index page to its own sub-pages ("/info" -> "/info/dosing", ...).
async function subpages(index) {
  const r = await page.goto(url(index));
  assert.equal(r.status(), 200, `${index}: HTTP ${r.status()}`);
  const hrefs = await page.$$eval('main a[href]', (as) => as.map((a) => a.getAttribute('href')));
  const re = new RegExp(`^${index}/[^/?#]+$`);
  return [...new Set(hrefs.filter((h) => re.test(h)))];
}

// Checks one page; returns the problems found (empty when it passes).
async function checkPage(path) {
  errors.length = 0;
  const problems = [];
  const r = await page.goto(url(path), { waitUntil: 'load' });
  if (r.status() !== 200) problems.push(`HTTP ${r.status()}`);
  const ct = r.headers()['content-type'] ?? '';
  if (!ct.startsWith('text/html')) problems.push(`content-type ${ct}`);
  const disclaimer = page.locator('.disclaimer');
  if ((await disclaimer.count()) === 0 || !(await disclaimer.first().isVisible())) problems.push('no visible disclaimer');
  else if (!/never replaces/.test((await disclaimer.first().textContent()) ?? ''))
    problems.push('the disclaimer does not say it never replaces the treating team');
  const sources = page.locator('main section.sources');
  if ((await sources.count()) === 0) problems.push('no Sources section (main section.sources)');
  else {
    const heading = sources.locator('h2');
    if ((await heading.count()) === 0 || !/Sources/.test((await heading.first().textContent()) ?? ''))
      problems.push('the Sources section has no "Sources" heading');
    if ((await sources.locator('li').count()) === 0) problems.push('the Sources section lists no source');
  }
  if ((await page.locator('h1').count()) !== 1) problems.push(`${await page.locator('h1').count()} h1 elements`);
  const serious = await seriousViolations(page);
  problems.push(...serious.map((v) => `axe: ${v}`));
  problems.push(...errors);
  return problems;
}

describe('public pages', () => {
  const pages = ['/', '/info', '/guides', '/checklists', '/calculators', '/sign-in', '/about'];

  test('the index pages link every page of knowledge/pages and the calculators', async () => {
    const found = [];
    const empty = [];
    for (const index of ['/info', '/guides', '/checklists', '/calculators']) {
      const links = await subpages(index).catch((e) => (empty.push(`${index}: ${e.message}`), []));
      if (links.length === 0) empty.push(`${index} links no page`);
      found.push(...links);
    }
    pages.push(...found.filter((p) => !pages.includes(p)));
    assert.deepEqual(empty, []);
    const expected = knowledgePages();
    assert.ok(expected.length >= 17, `knowledge/pages has ${expected.length} pages, expected at least 17`);
    for (const p of expected) {
      assert.ok(p.slug && SECTION_PATH[p.section], `${p.file}: slug or section missing`);
      const path = `${SECTION_PATH[p.section]}/${p.slug}`;
      assert.ok(found.includes(path), `${p.file} is not linked from ${SECTION_PATH[p.section]} (${path})`);
    }
    const calculators = found.filter((p) => p.startsWith('/calculators/'));
    for (const c of ['crcl', 'start-dose', 'low-count', 'vte', 'missed-dose']) {
      assert.ok(calculators.includes(`/calculators/${c}`), `/calculators does not link /calculators/${c}`);
    }
  });

  test('every public page: 200, no errors, disclaimer, Sources, no serious axe violations', async (t) => {
    assert.ok(pages.length >= 7 + 17, `only ${pages.length} pages discovered`);
    const failed = [];
    for (const path of pages) {
      await t.test(path, async () => {
        const problems = await checkPage(path);
        if (problems.length) failed.push(path);
        assert.deepEqual(problems, [], `${path}:\n  ${problems.join('\n  ')}`);
      });
    }
    assert.deepEqual(failed, [], `pages with problems: ${failed.join(', ')}`);
  });

  test('screenshots: home and a drug-information page', async () => {
    await page.goto(url('/'));
    await screenshots(page, 'home');
    const drug = knowledgePages().find((p) => p.slug === 'dosing') ?? knowledgePages().find((p) => p.section === 'drug');
    await page.goto(url(`/info/${drug.slug}`));
    await screenshots(page, `info-${drug.slug}`);
  });
});
