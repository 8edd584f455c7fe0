/**
 * Tiny DOM builders. Every text goes in as a text node, never as HTML, so nothing a run carries (objectives,
 * findings, reports, feedback) can inject markup into the view.
 */
export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, string | number | boolean | undefined | ((ev: Event) => void)>;

const SVG_NS = "http://www.w3.org/2000/svg";

function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

/** An HTML element: `h("button", { type: "button", onclick }, "Approve")`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element. */
export function s(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replaces an element's content. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function seconds(x: number): string {
  if (x < 1) return `${Math.round(x * 1000)} ms`;
  if (x < 60) return `${x.toFixed(1)} s`;
  return `${Math.floor(x / 60)} min ${Math.round(x % 60)} s`;
}

export const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const keys = new Map<string, string>();

/** Shows or hides a section, and runs `draw` when `key` differs from the last one drawn into it. */
export function section(id: string, key: string, visible: boolean, draw: (el: HTMLElement) => void): void {
  const el = byId(id);
  el.hidden = !visible;
  if (!visible || keys.get(id) === key) return;
  keys.set(id, key);
  draw(el);
}
