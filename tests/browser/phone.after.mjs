// Run after the other browser tests (scripts/browser-test): every page they visited
// (ARTIFACTS/visited.jsonl, recorded by lib.mjs), visited again at 360 x 740 as the same demo role
// (anonymously where the test signed in with an account of its own), has no horizontal scrolling
// (document.documentElement.scrollWidth <= the viewport's width) and no serious or critical
// axe-core violation; its text names no research note, option or internal field (issues 16, 17);
// and every citation in its Sources section links to the public document (issue 17). Pages that
// are not HTML (ICS, PDF, JSON) are skipped.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { VISITED, launch, newContext, plainLanguageProblems, seriousViolations, signIn, url } from './lib.mjs';

const PHONE = { width: 360, height: 740 };
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function visited() {
  assert.ok(existsSync(VISITED), `no ${VISITED}: run the other browser tests first`);
  const seen = new Map();
  for (const line of readFileSync(VISITED, 'utf8').split('\n')) {
    if (!line) continue;
    const { role, path } = JSON.parse(line);
    if (/\.(ics|pdf|json)(\?|$)|^\/api\/|^\/fhir\/|^\/static\/|^\/calendar\//.test(path)) continue;
    if (path.startsWith('/sign-in') || path === '/sign-out') continue;
    const key = `${role} ${path}`;
    if (!seen.has(key)) seen.set(key, { role, path });
  }
  return [...seen.values()];
}

describe('phone width', () => {
  test('every page the tests visited fits 360 px without horizontal scrolling, with no serious axe violation', async (t) => {
    const pages = visited();
    assert.ok(pages.length >= 20, `only ${pages.length} pages recorded`);
    const byRole = new Map();
    for (const p of pages) byRole.set(p.role, [...(byRole.get(p.role) ?? []), p.path]);
    const problems = [];
    let checked = 0;
    let citations = 0;
    for (const [role, paths] of byRole) {
      const context = await newContext(browser, { axe: true, viewport: PHONE });
      const page = await context.newPage();
      if (role !== 'anonymous') await signIn(page, role);
      for (const path of paths) {
        const r = await page.goto(url(path));
        if (!r || !(r.headers()['content-type'] ?? '').startsWith('text/html')) continue;
        checked += 1;
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > PHONE.width) {
          const wide = await page.evaluate((limit) => {
            const out = [];
            for (const e of document.querySelectorAll('main *')) {
              const b = e.getBoundingClientRect();
              if (b.right > limit + 1 && out.length < 3) out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className} (${Math.round(b.right)})`);
            }
            return out;
          }, PHONE.width);
          problems.push(`${role} ${path}: scrollWidth ${width} > ${PHONE.width}: ${wide.join(', ')}`);
        }
        const said = await page.evaluate(() => document.body.innerText);
        for (const p of plainLanguageProblems(said)) problems.push(`${role} ${path}: says ${p}`);
        const unlinked = await page.evaluate(() =>
          [...document.querySelectorAll('section.sources li')]
            .filter((li) => li.querySelector('a.register'))
            .flatMap((li) => [...li.querySelectorAll('a.register')].filter((a) => a.getAttribute('href') !== '/sources#lenacare').filter((a) => {
              const ext = a.previousElementSibling;
              return !ext || ext.getAttribute('rel') !== 'external' || !/^https?:\/\//.test(ext.getAttribute('href'));
            }).map(() => li.textContent.slice(0, 80))),
        );
        for (const u of unlinked) problems.push(`${role} ${path}: a citation without a public link: ${u}`);
        citations += await page.evaluate(() => document.querySelectorAll('section.sources a[rel=external]').length);
        const serious = await seriousViolations(page);
        if (serious.length) problems.push(`${role} ${path}:\n  ${serious.join('\n  ')}`);
      }
      await context.close();
    }
    t.diagnostic(`${checked} pages checked at ${PHONE.width} x ${PHONE.height}, ${citations} linked citations`);
    assert.ok(citations > 50, `only ${citations} citations linked to public documents`);
    assert.deepEqual(problems, []);
  });
});
