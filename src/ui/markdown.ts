/**
 * A small, safe Markdown renderer for run reports: headings, paragraphs, bullet and numbered lists, pipe
 * tables, and inline bold, italic and code. It builds DOM nodes with text nodes only, so any HTML in the
 * report shows as text and never runs.
 */
import { h, type Child } from "./dom.js";

const INLINE = /(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|`[^`]+`)/;

export function inline(text: string): Child[] {
  return text.split(INLINE).filter((p) => p !== "").map((p) => {
    if (p.startsWith("**") && p.endsWith("**") && p.length > 4) return h("strong", {}, p.slice(2, -2));
    if (p.startsWith("`") && p.endsWith("`") && p.length > 2) return h("code", {}, p.slice(1, -1));
    if (p.startsWith("*") && p.endsWith("*") && p.length > 2) return h("em", {}, p.slice(1, -1));
    return p;
  });
}

const cells = (line: string): string[] => line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
const isSeparator = (line: string | undefined): boolean => !!line && /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line);
const LIST = /^\s*([-*+]|\d+[.)])\s+(.*)$/;

/** Renders `md`; headings start at `<h{base}>` so the report nests under the view's own headings. */
export function renderMarkdown(md: string, base = 3): DocumentFragment {
  const out = document.createDocumentFragment();
  const lines = md.replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") { i++; continue; }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = Math.min(6, base - 1 + heading[1]!.length) as 1 | 2 | 3 | 4 | 5 | 6;
      out.append(h(`h${level}`, {}, ...inline(heading[2]!)));
      i++;
      continue;
    }
    if (line.trim().startsWith("|") && isSeparator(lines[i + 1])) {
      const head = cells(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.trim().startsWith("|")) rows.push(cells(lines[i++]!));
      out.append(h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": `Table: ${head.join(", ")}` },
        h("table", {},
          h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, ...inline(c))))),
          h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, ...inline(c)))))))));
      continue;
    }
    const item = LIST.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]!);
      const list = h(ordered ? "ol" : "ul", {});
      let m: RegExpExecArray | null;
      while (i < lines.length && (m = LIST.exec(lines[i]!)) && /\d/.test(m[1]!) === ordered) {
        list.append(h("li", {}, ...inline(m[2]!)));
        i++;
      }
      out.append(list);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== "" && !/^#{1,6}\s/.test(lines[i]!) && !LIST.exec(lines[i]!) &&
      !(lines[i]!.trim().startsWith("|") && isSeparator(lines[i + 1]))) para.push(lines[i++]!.trim());
    out.append(h("p", {}, ...inline(para.join(" "))));
  }
  return out;
}
