// The Python companions on the site: every chapter page ends with a "Study in Python" section that
// links its notebook (.ipynb) and paired script (.py) as downloads the build copied from notebooks/,
// and lists the notebook's exercises. The links resolve against <base href>, so they also work on a
// chapter route and under a sub-path (E2E_DIST_SUB, set by scripts/test-subpath.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openSite, newPage, CHAPTERS } from './harness.mjs';

/** The chapters with a companion notebook (the appendix on conventions has none). */
const NOTEBOOK_CHAPTERS = CHAPTERS.filter((slug) => slug !== '05-conventions');

/** Visits every chapter, follows its two download links and checks what they answer. */
async function checkChapterLinks(site, root) {
  for (const slug of NOTEBOOK_CHAPTERS) {
    const page = await newPage(site);
    await page.goto(`${root}chapter/${slug}`);
    const section = page.locator('h2:text-is("Study in Python")');
    await section.waitFor({ timeout: 20000 });
    const stem = slug.replace(/-/g, '_');
    const links = await page.locator('article.chapter a[download]').evaluateAll(
      (as) => as.map((a) => ({ text: a.textContent.trim(), href: a.href })));
    const names = links.map((l) => l.text);
    assert.ok(names.includes(`${stem}.ipynb`) && names.includes(`${stem}.py`), `${slug}: download links ${names}`);
    const exercises = await page.locator('article.chapter li').evaluateAll(
      (lis) => lis.filter((li) => /^Exercise \d\d\.\d/.test(li.textContent.trim())).length);
    assert.ok(exercises >= 3, `${slug}: ${exercises} notebook exercises listed`);
    for (const { text, href } of links.filter((l) => l.text.startsWith(stem))) {
      assert.ok(href.startsWith(`${root}notebooks/`), `${slug}: ${href} is not under ${root}notebooks/`);
      const res = await page.request.get(href);
      assert.equal(res.status(), 200, `${href} answers ${res.status()}`);
      const body = await res.text();
      if (text.endsWith('.ipynb')) {
        const nb = JSON.parse(body);
        assert.equal(nb.nbformat, 4, `${href}: not an nbformat-4 notebook`);
        const outputs = nb.cells.filter((c) => c.cell_type === 'code' && c.outputs.length > 0).length;
        assert.ok(outputs > 0, `${href}: committed without outputs`);
      } else {
        assert.match(body, /^# ---\n# jupyter:/, `${href}: not a jupytext script`);
        assert.match(body, /\n# %%/, `${href}: no percent cells`);
      }
    }
    assert.deepEqual(page.errors, [], `${slug}: errors`);
    await page.close();
  }
}

test('each chapter links its notebook and script, and lists the notebook exercises', async () => {
  const site = await openSite();
  try {
    await checkChapterLinks(site, `${site.origin}/`);
  } finally {
    await site.close();
  }
});

const SUB = process.env.E2E_DIST_SUB;
test('notebook links under a sub-path (--public-url /multiace/)', {
  skip: SUB ? false : 'E2E_DIST_SUB is not set (scripts/test-subpath.sh builds it and sets it)',
}, async () => {
  const base = process.env.E2E_BASE ?? '/multiace/';
  const site = await openSite(path.resolve(SUB), { base, redirectDirs: true, pages404: true });
  try {
    await checkChapterLinks(site, `${site.origin}${base}`);
  } finally {
    await site.close();
  }
});
