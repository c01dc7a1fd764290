/**
 * Two helpers instead of a framework: `h` builds elements, `morph` updates
 * the live DOM in place to look like a freshly built tree. Pages re-render
 * their whole view on every refresh and `morph` touches only what changed,
 * so nothing flickers, scroll and focus stay, and a focused input keeps
 * what the user is typing. Children with `data-key` are matched by key;
 * an element with `data-keep` keeps its children (charts own theirs).
 */

type Handler = (ev: Event) => void;
export type Child = Node | string | number | false | null | undefined | Child[];
export type Props = Record<string, string | number | boolean | Handler | undefined | null>;

const EVENTS = ['onclick', 'oninput', 'onchange', 'onsubmit', 'onkeydown', 'onfocus', 'onblur'] as const;
const PROPS = new Set(['value', 'checked']);

export function h(tag: string, props: Props | null = null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') (el as unknown as Record<string, Handler>)[k] = v;
    else if (PROPS.has(k)) (el as unknown as Record<string, unknown>)[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === false || c === null || c === undefined) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

function keyOf(n: Node): string | undefined {
  return n instanceof Element ? n.getAttribute('data-key') ?? undefined : undefined;
}

/** Makes `from` (live) look like `to` (new); returns the node now in the document. */
export function morph(from: Node, to: Node): Node {
  if (from.nodeType !== to.nodeType || from.nodeName !== to.nodeName || keyOf(from) !== keyOf(to)) {
    from.parentNode?.replaceChild(to, from);
    return to;
  }
  if (!(from instanceof Element) || !(to instanceof Element)) {
    if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
    return from;
  }
  for (const a of [...from.attributes]) if (!to.hasAttribute(a.name)) from.removeAttribute(a.name);
  for (const a of [...to.attributes]) if (from.getAttribute(a.name) !== a.value) from.setAttribute(a.name, a.value);
  for (const ev of EVENTS) (from as unknown as Record<string, unknown>)[ev] = (to as unknown as Record<string, unknown>)[ev];
  if (from instanceof HTMLInputElement || from instanceof HTMLTextAreaElement || from instanceof HTMLSelectElement) {
    const t = to as HTMLInputElement;
    if (from instanceof HTMLInputElement && from.checked !== t.checked) from.checked = t.checked;
    if (document.activeElement !== from && from.value !== t.value && !(from instanceof HTMLSelectElement)) from.value = t.value;
  }
  if (from.hasAttribute('data-keep')) return from;
  morphChildren(from, to);
  if (from instanceof HTMLSelectElement && document.activeElement !== from) from.value = (to as HTMLSelectElement).value;
  return from;
}

function morphChildren(from: Element, to: Element): void {
  const old = [...from.childNodes];
  const keyed = new Map<string, Node>();
  const unkeyed: Node[] = [];
  for (const n of old) {
    const k = keyOf(n);
    if (k !== undefined) keyed.set(k, n); else unkeyed.push(n);
  }
  let u = 0;
  let i = 0;
  for (const next of [...to.childNodes]) {
    const k = keyOf(next);
    let match: Node | undefined;
    if (k !== undefined) { match = keyed.get(k); keyed.delete(k); } else match = unkeyed[u++];
    const at = from.childNodes[i] ?? null;
    if (match) {
      if (match !== at) from.insertBefore(match, at);
      morph(match, next);
    } else {
      from.insertBefore(next, at);
    }
    i++;
  }
  while (from.childNodes.length > i) from.removeChild(from.lastChild!);
}

/** Replaces the content of `root` with `view`, in place. */
export function render(root: Element, view: Child[]): void {
  const next = document.createElement(root.nodeName);
  append(next, view);
  morphChildren(root, next);
}
