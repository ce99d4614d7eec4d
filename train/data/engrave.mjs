// The data factory's engraver: verovio lays out a score as SVG pages and reports where everything landed.
//
// A worker: it reads one JSON job a line on stdin and answers one JSON line on stdout, so that the verovio module
// loads once for thousands of scores. A job:
//   {"input": "score.musicxml" | "score.krn", "out": "DIR", "options": {verovio options}, "mei": false}
// It writes DIR/page-N.svg and DIR/layout.json (and with "mei", DIR/score.mei), and answers {"ok": true, "pages": N, "systems": N, "measures": N}
// or {"ok": false, "error": "..."}. Coordinates in layout.json are SVG viewBox units with the page margin applied,
// so that a page rasterised W pixels wide maps them by W / viewBox width.
import createVerovioModule from 'verovio/wasm-hum';
import { VerovioToolkit } from 'verovio/esm';
import fs from 'fs';
import path from 'path';
import readline from 'readline';

const toolkit = new VerovioToolkit(await createVerovioModule());
toolkit.setOptions({ svgAdditionalAttribute: ['measure@n'] });

const TAG = /<(\/?)(g|path|use|polygon|svg)\b([^>]*?)(\/?)>/g;
const attribute = (text, name) => {
  const match = text.match(new RegExp(`\\b${name}="([^"]*)"`));
  return match ? match[1] : null;
};

// Systems, their staves' line heights and horizontal extent, the measures each holds, and every notehead.
function readPage(svg, pageIndex) {
  const viewBox = svg.match(/class="definition-scale"[^>]*viewBox="([^"]*)"/);
  const [, , width, height] = viewBox[1].split(/\s+/).map(Number);
  const systems = [];
  const notes = [];
  const stack = []; // {klass, id, dx, dy}
  let offsetX = 0, offsetY = 0;
  let system = null, staffIndex = -1;
  for (const match of svg.matchAll(TAG)) {
    const [, closing, tag, attrs, selfClosing] = match;
    if (tag !== 'g' && tag !== 'svg') {
      const klass = stack.length ? stack[stack.length - 1].klass : null;
      if (tag === 'path' && klass === 'staff' && system) {
        const d = attribute(attrs, 'd').match(/M(-?[\d.]+) (-?[\d.]+) L(-?[\d.]+) (-?[\d.]+)/);
        if (d && d[2] === d[4]) {
          const y = Number(d[2]) + offsetY;
          const lines = system.staves[staffIndex] ??= [];
          if (!lines.includes(y)) lines.push(y);
          system.x0 = Math.min(system.x0, Number(d[1]) + offsetX);
          system.x1 = Math.max(system.x1, Number(d[3]) + offsetX);
        }
      } else if (tag === 'use' && klass === 'notehead') {
        const note = stack.findLast((entry) => entry.klass === 'note');
        const t = attribute(attrs, 'transform')?.match(/translate\((-?[\d.]+),\s*(-?[\d.]+)\)/);
        if (note && t)
          notes.push({ id: note.id, page: pageIndex, system: systems.length - 1,
                       x: Number(t[1]) + offsetX, y: Number(t[2]) + offsetY });
      }
      continue;
    }
    if (closing) {
      const entry = stack.pop();
      if (entry) { offsetX -= entry.dx; offsetY -= entry.dy; }
      continue;
    }
    const klass = attribute(attrs, 'class');
    const t = attribute(attrs, 'transform')?.match(/^translate\((-?[\d.]+),\s*(-?[\d.]+)\)$/);
    const entry = { klass, id: attribute(attrs, 'id'), dx: t ? Number(t[1]) : 0, dy: t ? Number(t[2]) : 0 };
    if (klass === 'system') {
      system = { page: pageIndex, staves: [], x0: Infinity, x1: -Infinity, measures: [] };
      systems.push(system);
    } else if (klass === 'measure' && system) {
      system.measures.push(attribute(attrs, 'data-n'));
      staffIndex = -1;
    } else if (klass === 'staff' && system) {
      staffIndex++;
    }
    offsetX += entry.dx; offsetY += entry.dy;
    if (!selfClosing) stack.push(entry);
    else { offsetX -= entry.dx; offsetY -= entry.dy; }
  }
  for (const s of systems) s.staves = s.staves.map((lines) => lines.sort((a, b) => a - b));
  return { width, height, systems, notes };
}

function engrave(job) {
  toolkit.resetOptions();
  toolkit.setOptions({ svgAdditionalAttribute: ['measure@n'], header: 'none', footer: 'none', breaks: 'auto',
                       ...job.options });
  const data = fs.readFileSync(job.input, 'utf8');
  if (!toolkit.loadData(data)) throw new Error(`verovio could not load ${job.input}`);
  fs.mkdirSync(job.out, { recursive: true });
  const layout = { pages: [], systems: [], notes: [], timemap: toolkit.renderToTimemap({ includeMeasures: true }) };
  const pageCount = toolkit.getPageCount();
  for (let page = 1; page <= pageCount; page++) {
    const svg = toolkit.renderToSVG(page);
    fs.writeFileSync(path.join(job.out, `page-${page}.svg`), svg);
    const read = readPage(svg, page - 1);
    layout.pages.push({ width: read.width, height: read.height });
    layout.systems.push(...read.systems.map((s) => ({ ...s })));
    const base = layout.systems.length - read.systems.length;
    layout.notes.push(...read.notes.map((n) => ({ ...n, system: n.system + base })));
  }
  fs.writeFileSync(path.join(job.out, 'layout.json'), JSON.stringify(layout));
  // Kern scores reach the C code as the MEI verovio made of them: the same measures as the pages show.
  if (job.mei) fs.writeFileSync(path.join(job.out, 'score.mei'), toolkit.getMEI({ removeIds: false }));
  const measures = layout.systems.reduce((n, s) => n + s.measures.length, 0);
  return { ok: true, pages: pageCount, systems: layout.systems.length, measures };
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = engrave(JSON.parse(line));
  } catch (error) {
    answer = { ok: false, error: String(error?.message ?? error) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
