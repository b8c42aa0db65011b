/**
 * `node --import tsx scripts/screenshot-report.ts <bench.md> <bench.html> <out-dir> [mermaid.min.js]`:
 * full-page screenshots of the HTML report and of the Markdown report as GitHub would show it (marked
 * with GitHub's flavour, github-markdown-css, 880 px wide like a pull-request comment), in headless
 * Chromium (/usr/bin/chromium, or GCB_CHROMIUM_PATH). With a path to Mermaid's browser bundle (not a
 * dependency of the project: `npm install mermaid` anywhere), the Mermaid charts are drawn too. Writes
 * `<out-dir>/html.png`, `<out-dir>/html-top.png` (the first screen) and `<out-dir>/markdown.png`.
 * For looking at the report after changing it; nothing else uses it.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { marked } from 'marked';
import { launchChromium } from '../test/support/chromium.ts';

const [mdPath, htmlPath, outDir, mermaidPath] = process.argv.slice(2);
if (mdPath === undefined || htmlPath === undefined || outDir === undefined) {
  throw new Error('usage: screenshot-report.ts <bench.md> <bench.html> <out-dir> [mermaid.min.js]');
}
mkdirSync(outDir, { recursive: true });
const require = createRequire(import.meta.url);
const css = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8');
const body = (marked.parse(readFileSync(mdPath, 'utf8'), { gfm: true, async: false }) as string).replace(
  /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
  (_, code: string) => `<pre class="mermaid">${code}</pre>`,
);
const mermaid = mermaidPath === undefined ? '' : `<script>${readFileSync(mermaidPath, 'utf8')}</script><script>mermaid.initialize({ startOnLoad: true, theme: 'default' });</script>`;
const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${css}
body { margin: 0; background: #fff; } .markdown-body { box-sizing: border-box; width: 880px; margin: 16px auto; padding: 16px 24px; border: 1px solid #d0d7de; border-radius: 6px; }
</style></head><body><article class="markdown-body">${body}</article>${mermaid}</body></html>`;
const mdHtml = resolve(join(outDir, 'markdown.html'));
writeFileSync(mdHtml, page);

const browser = await launchChromium();
try {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await tab.goto(pathToFileURL(resolve(htmlPath)).href, { waitUntil: 'load' });
  await tab.screenshot({ path: join(outDir, 'html-top.png') });
  await tab.screenshot({ path: join(outDir, 'html.png'), fullPage: true });
  const md = await browser.newPage({ viewport: { width: 940, height: 900 } });
  await md.goto(pathToFileURL(mdHtml).href, { waitUntil: 'load' });
  if (mermaidPath !== undefined) await md.waitForFunction(() => document.querySelectorAll('pre.mermaid:not([data-processed])').length === 0, undefined, { timeout: 20_000 }).catch(() => undefined);
  await md.screenshot({ path: join(outDir, 'markdown.png'), fullPage: true });
} finally {
  await browser.close();
}
process.stdout.write(`screenshots in ${outDir}: html-top.png, html.png, markdown.png\n`);
