/**
 * The page shell: navigation, hash routing (#/<page>?params), loading and
 * auto-refresh (paused while the tab is hidden), and the status line
 * ("updated 12:00:01", or the last error while the old data stays shown).
 * `?refresh=SECONDS` in the address overrides every page's period.
 */
import { h, render } from './dom';
import { ApiError } from './api';
import type { AnyPage, PageContext } from './page';
import { PAGES } from './pages';
import { formatHash, parseHash, type Route } from '../../agent/ui/lib/url-state';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const status = document.getElementById('status')!;
const refreshOverride = Number(new URLSearchParams(location.search).get('refresh')) * 1000 || undefined;

let route: Route = parseHash(location.hash);
let page: AnyPage = PAGES[0];
let data: { value: unknown; at: number } | undefined;
let loadSeq = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let message: { text: string; level: 'ok' | 'error'; until: number } | undefined;

function pageOf(r: Route): AnyPage {
  return PAGES.find((p) => p.id === r.page) ?? PAGES[0];
}

const ctx: PageContext = {
  get params() { return route.params; },
  get now() { return data?.at ?? Date.now(); },
  rerender: () => draw(),
  reload: () => void load(),
  navigate: (params) => { location.hash = formatHash({ page: page.id, params }); },
  notify: (text, level = 'ok') => { message = { text, level, until: Date.now() + 6000 }; drawStatus(); },
};

function drawNav(): void {
  render(nav, PAGES.map((p) => h('a', { href: `#/${p.id}`, class: p.id === page.id ? 'active' : '', 'data-key': p.id }, p.title)));
}

function drawStatus(error?: string): void {
  const m = message && message.until > Date.now() ? message : undefined;
  const text = error ?? m?.text ?? (data ? `updated ${new Date(data.at).toLocaleTimeString()}` : 'loading…');
  status.textContent = text;
  status.className = `status ${error || m?.level === 'error' ? 'error' : m ? 'ok' : ''}`;
}

function draw(): void {
  if (!data) return;
  render(main, page.view(data.value, ctx));
  page.after?.(main, data.value, ctx);
}

function schedule(): void {
  clearTimeout(timer);
  const every = refreshOverride ?? page.refreshMs;
  if (every > 0 && !document.hidden) timer = setTimeout(() => void load(), every);
}

async function load(): Promise<void> {
  const seq = ++loadSeq;
  const p = page;
  try {
    const value = await p.load(route.params);
    if (seq !== loadSeq) return;
    data = { value, at: Date.now() };
    draw();
    drawStatus();
  } catch (err) {
    if (seq !== loadSeq) return;
    const text = err instanceof ApiError && err.status === 401 ? 'not authorized: reload the page to sign in' : `refresh failed: ${(err as Error).message}`;
    if (!data) render(main, [h('p', { class: 'error', role: 'alert' }, text)]);
    drawStatus(text);
  } finally {
    if (seq === loadSeq) schedule();
  }
}

function onRoute(): void {
  const next = parseHash(location.hash);
  const nextPage = pageOf(next);
  if (nextPage !== page) {
    data = undefined;
    render(main, [h('p', { class: 'muted' }, 'Loading…')]);
  }
  route = next;
  page = nextPage;
  document.title = `${page.title} · Lookout`;
  drawNav();
  void load();
}

window.addEventListener('hashchange', onRoute);
document.addEventListener('visibilitychange', () => { if (!document.hidden) void load(); else clearTimeout(timer); });
onRoute();
