/**
 * Draws a {@link GraphLayout} as an accessible SVG element: boxes for tensors (leaves and op results),
 * arrows from inputs to results. Built with DOM calls (no innerHTML), styled by the `.tl-graph` rules in
 * src/styles/custom.css so it follows the light and dark themes.
 */
import type { GraphLayout } from './graph-layout';

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

let drawn = 0;

/** Builds the SVG; `description` becomes its accessible name (role="img" with a <title>). */
export function graphToSvg(layout: GraphLayout, description: string): SVGSVGElement {
  const arrowId = `tl-arrow-${++drawn}`;
  const svg = el('svg', {
    class: 'tl-graph',
    viewBox: `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`,
    // Scaled down to the column's width, but not below 560px (narrower screens scroll the graph instead).
    style: `max-width: ${Math.ceil(layout.width)}px; min-width: min(560px, ${Math.ceil(layout.width)}px)`,
    role: 'img',
  });
  el('title', {}, svg).textContent = description;
  const defs = el('defs', {}, svg);
  const marker = el(
    'marker',
    { id: arrowId, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' },
    defs,
  );
  el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'tl-graph-arrowhead' }, marker);

  for (const e of layout.edges) {
    if (e.points.length < 2) continue;
    const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    el('path', { d, class: 'tl-graph-edge', 'marker-end': `url(#${arrowId})` }, svg);
    if (e.label) {
      const mid = e.points[Math.floor(e.points.length / 2)];
      const t = el('text', { x: mid.x, y: mid.y - 4, class: 'tl-graph-edge-label', 'text-anchor': 'middle' }, svg);
      t.textContent = e.label;
    }
  }
  for (const n of layout.nodes) {
    const g = el('g', { class: `tl-graph-node tl-graph-${n.kind}`, 'data-node': n.lines[0] }, svg);
    el('rect', { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 6 }, g);
    n.lines.forEach((line, i) => {
      const y = n.y - n.height / 2 + 19 + i * 17;
      const t = el(
        'text',
        { x: n.x, y, 'text-anchor': 'middle', class: i === 0 ? 'tl-graph-name' : 'tl-graph-num' },
        g,
      );
      t.textContent = line;
    });
  }
  return svg;
}
