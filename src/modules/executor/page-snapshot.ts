import type { Page } from 'playwright';

export const SNAPSHOT_MAX_CHARS = 8_000;

/** Runs in the page (plain JavaScript: the server build has no DOM types). */
const SNAPSHOT_SCRIPT = `(cap) => {
  const lines = [];
  let ref = 0;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const clip = (s, n) => (s || '').replace(/\\s+/g, ' ').trim().slice(0, n || 80);
  const interactive = 'a[href], button, input, select, textarea, [role=button], [role=link], [onclick], [contenteditable=true]';
  let size = 0;
  const push = (line) => { lines.push(line); size += line.length + 1; };
  const walk = (node) => {
    for (const el of Array.from(node.children)) {
      if (size > cap) return;
      const tag = el.tagName.toLowerCase();
      if (['script', 'style', 'noscript', 'template', 'svg', 'head'].includes(tag) || !visible(el)) continue;
      if (el.matches(interactive)) {
        ref += 1;
        el.setAttribute('data-mantis-ref', String(ref));
        const attrs = [];
        if (el.id) attrs.push('#' + el.id);
        if (el.name) attrs.push('name=' + el.name);
        if (tag === 'input') attrs.push('type=' + el.type);
        if (el.placeholder) attrs.push('placeholder="' + clip(el.placeholder, 40) + '"');
        if (tag === 'a') attrs.push('href=' + clip(el.getAttribute('href'), 60));
        if ((tag === 'input' || tag === 'textarea') && el.type !== 'password' && el.value) attrs.push('value="' + clip(el.value, 40) + '"');
        const label = tag === 'input' ? '' : clip(el.innerText || el.getAttribute('aria-label') || '', 60);
        push('[' + ref + '] ' + tag + ' ' + attrs.join(' ') + (label ? ' "' + label + '"' : ''));
        continue;
      }
      if (/^h[1-6]$/.test(tag)) push(tag + ': ' + clip(el.innerText, 120));
      else if (!el.querySelector(interactive)) {
        const t = clip(el.innerText, 160);
        if (t) push(t);
      } else walk(el);
    }
  };
  if (document.body) walk(document.body);
  return lines.join('\\n');
}`;

/**
 * A compact text view of the page for the model: title, URL, headings,
 * visible text, and each interactive element numbered with a
 * `[data-mantis-ref=N]` selector the model can act on. Password values are
 * never read; the whole text is capped at `SNAPSHOT_MAX_CHARS`.
 */
export async function pageSnapshot(page: Page, maxChars = SNAPSHOT_MAX_CHARS): Promise<string> {
  const body = await page
    .evaluate<string>(`(${SNAPSHOT_SCRIPT})(${Number(maxChars)})`)
    .catch((e: Error) => `(page could not be read: ${e.message.split('\n')[0]})`);
  const head = `URL: ${page.url()}\nTitle: ${await page.title().catch(() => '')}\n`;
  const text = head + body;
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n…(truncated)` : text;
}
