/**
 * A hand-written SVG line chart: engine wall time against stack size, log–log, one colour per
 * command, solid for the DcrClient stack (dynamic face), dotted for the plugin face and dashed
 * for the trivial stack. Pure: rows in, text out.
 */
import type { EngineCommand, EngineRow } from "./results";

const W = 760;
const H = 460;
const M = { left: 70, right: 190, top: 40, bottom: 56 };
const COLORS: Record<EngineCommand, string> = {
  up: "#1f77b4",
  "no-op up": "#2ca02c",
  refresh: "#ff7f0e",
  destroy: "#d62728",
};
/** Line style per stack (an SVG attribute, or none for solid). */
const DASH = { dcr: "", plugin: ` stroke-dasharray="2 3"`, trivial: ` stroke-dasharray="6 4"` } as const;

interface Axis {
  lo: number;
  hi: number;
  px(v: number): number;
}

function logAxis(values: number[], from: number, to: number): Axis {
  let lo = Math.log10(Math.min(...values));
  let hi = Math.log10(Math.max(...values));
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const span = hi - lo;
  lo -= span * 0.05;
  hi += span * 0.05;
  return { lo, hi, px: (v) => from + ((Math.log10(v) - lo) / (hi - lo)) * (to - from) };
}

/** Round ticks inside [10^lo, 10^hi]: the coarsest of 1 / 1-2-5 / finer series that gives at least 3. */
function ticks(axis: Axis): number[] {
  const series = [[1], [1, 2, 5], [1, 1.5, 2, 3, 5, 7], [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9]];
  let out: number[] = [];
  for (const mults of series) {
    out = [];
    for (let e = Math.floor(axis.lo); e <= Math.ceil(axis.hi); e++) {
      for (const m of mults) {
        const v = m * 10 ** e;
        if (Math.log10(v) >= axis.lo && Math.log10(v) <= axis.hi) out.push(v);
      }
    }
    if (out.length >= 3) break;
  }
  return out;
}

function fmtSeconds(s: number): string {
  return s >= 1 ? `${Number(s.toPrecision(3))} s` : `${Math.round(s * 1000)} ms`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function renderChart(rows: readonly EngineRow[], subtitle: string): string {
  const out: string[] = [];
  const add = (s: string) => out.push(s);
  add(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  add(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  add(
    `<text x="${M.left}" y="20" font-size="15" font-weight="bold">Engine wall time against stack size (log–log)</text>`,
  );
  add(`<text x="${M.left}" y="34" fill="#555">${esc(subtitle)}</text>`);
  if (rows.length === 0) {
    add(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no engine results</text></svg>`);
    return `${out.join("\n")}\n`;
  }
  const sizes = [...new Set(rows.map((r) => r.size))].sort((a, b) => a - b);
  const secs = rows
    .flatMap((r) => [r.dcr.medianMs, r.plugin?.medianMs ?? 0, r.trivial.medianMs])
    .filter((v) => v > 0)
    .map((v) => v / 1000);
  const x = logAxis(sizes, M.left, W - M.right);
  const y = logAxis(secs, H - M.bottom, M.top);
  const [x0, x1, y0, y1] = [M.left, W - M.right, H - M.bottom, M.top];
  for (const v of ticks(y)) {
    const py = y.px(v).toFixed(1);
    add(`<line x1="${x0}" x2="${x1}" y1="${py}" y2="${py}" stroke="#e5e5e5"/>`);
    add(`<text x="${x0 - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${fmtSeconds(v)}</text>`);
  }
  for (const n of sizes) {
    const px = x.px(n).toFixed(1);
    add(`<line x1="${px}" x2="${px}" y1="${y0}" y2="${y1}" stroke="#e5e5e5"/>`);
    add(`<text x="${px}" y="${y0 + 16}" text-anchor="middle">${n}</text>`);
  }
  add(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#333"/>`);
  add(`<text x="${(x0 + x1) / 2}" y="${H - 14}" text-anchor="middle">resources in the stack</text>`);
  add(
    `<text transform="translate(16 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">median wall time per command</text>`,
  );
  const commands = [...new Set(rows.map((r) => r.command))];
  for (const cmd of commands) {
    for (const kind of ["dcr", "plugin", "trivial"] as const) {
      const pts = rows
        .filter((r) => r.command === cmd && (r[kind]?.medianMs ?? 0) > 0)
        .sort((a, b) => a.size - b.size)
        .map((r) => [x.px(r.size), y.px((r[kind]?.medianMs ?? 0) / 1000)] as const);
      const dash = DASH[kind];
      add(
        `<polyline fill="none" stroke="${COLORS[cmd]}" stroke-width="2"${dash} points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(" ")}"/>`,
      );
      for (const [a, b] of pts)
        add(
          `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3" fill="${kind === "dcr" ? COLORS[cmd] : "#fff"}" stroke="${COLORS[cmd]}"/>`,
        );
    }
  }
  const lx = W - M.right + 16;
  commands.forEach((cmd, i) => {
    const ly = M.top + 10 + i * 20;
    add(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${COLORS[cmd]}" stroke-width="3"/>`);
    add(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${esc(cmd)}</text>`);
  });
  const ky = M.top + 10 + commands.length * 20 + 14;
  add(
    `<line x1="${lx}" x2="${lx + 24}" y1="${ky}" y2="${ky}" stroke="#333" stroke-width="2"/><text x="${lx + 30}" y="${ky}" dominant-baseline="middle">DcrClient stack</text>`,
  );
  add(
    `<line x1="${lx}" x2="${lx + 24}" y1="${ky + 20}" y2="${ky + 20}" stroke="#333" stroke-width="2"${DASH.plugin}/><text x="${lx + 30}" y="${ky + 20}" dominant-baseline="middle">plugin stack</text>`,
  );
  add(
    `<line x1="${lx}" x2="${lx + 24}" y1="${ky + 40}" y2="${ky + 40}" stroke="#333" stroke-width="2"${DASH.trivial}/><text x="${lx + 30}" y="${ky + 40}" dominant-baseline="middle">trivial stack</text>`,
  );
  add(`</svg>`);
  return `${out.join("\n")}\n`;
}
