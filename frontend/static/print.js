// Printing a view: an A4 or A3 landscape PNG at 150 dpi of the current map, with the title,
// the legend, a scale bar, a north arrow, the date and the attribution, drawn on a canvas and
// saved as a file. The map is rendered again off-screen at the paper's size (MapLibre with a
// pixel ratio), so the print is sharp and the screen map is untouched.
import * as maplibregl from "/static/vendor/maplibre-gl.mjs";

/** Paper sizes in millimetres (landscape). */
export const PAPER = { A4: [297, 210], A3: [420, 297] };
export const DPI = 150;

/** The pixel size of `paper` at `dpi`. */
export function pixels(paper, dpi = DPI) {
  const [w, h] = PAPER[paper];
  return [Math.round((w / 25.4) * dpi), Math.round((h / 25.4) * dpi)];
}

/** Metres per pixel at `lat` and `zoom` on 512-px tiles (the web map's scale). */
function metresPerPixel(lat, zoom) {
  return (40075016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);
}

/** A round length (1, 2 or 5 × 10^n metres) no longer than `max` metres. */
function roundLength(max) {
  const p = 10 ** Math.floor(Math.log10(max));
  return [5, 2, 1].map((k) => k * p).find((v) => v <= max) || p;
}

/** Renders `map`'s current view on `paper` and resolves with the PNG blob. */
export async function print(map, paper, { title, legend, attribution }) {
  const [W, H] = pixels(paper);
  const ratio = DPI / 96;
  const margin = Math.round(0.04 * H);
  const header = Math.round(0.07 * H);
  const side = Math.round(0.2 * W);
  const mapW = W - side - 3 * margin;
  const mapH = H - header - 2 * margin;
  const holder = document.createElement("div");
  holder.style.cssText = `position:fixed;left:-20000px;top:0;width:${mapW / ratio}px;height:${mapH / ratio}px`;
  document.body.append(holder);
  const off = new maplibregl.Map({
    container: holder,
    style: map.getStyle(),
    center: map.getCenter(),
    zoom: map.getZoom() + Math.log2(Math.min(mapW / map.getCanvas().width, mapH / map.getCanvas().height) * window.devicePixelRatio / ratio),
    bearing: map.getBearing(),
    pixelRatio: ratio,
    interactive: false,
    attributionControl: false,
    preserveDrawingBuffer: true,
    localIdeographFontFamily: false,
    fadeDuration: 0,
  });
  try {
    await new Promise((resolve) => off.once("idle", resolve));
    const canvas = document.createElement("canvas");
    canvas.width = W;
    canvas.height = H;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, W, H);
    const font = (px, bold = false) => `${bold ? "bold " : ""}${Math.round(px)}px "Noto Sans CJK SC", sans-serif`;
    // Title and date.
    ctx.fillStyle = "#111111";
    ctx.textBaseline = "middle";
    ctx.font = font(header * 0.28);
    const date = `制图时间 ${new Date().toLocaleString("zh-CN", { hour12: false })}`;
    const dateWidth = ctx.measureText(date).width;
    ctx.textAlign = "right";
    ctx.fillText(date, W - margin, margin + header / 2);
    ctx.textAlign = "left";
    // The title takes the room the date leaves, smaller when it is long.
    let size = header * 0.5;
    ctx.font = font(size, true);
    while (size > 10 && ctx.measureText(title).width > W - 3 * margin - dateWidth) {
      size *= 0.92;
      ctx.font = font(size, true);
    }
    ctx.fillText(title, margin, margin + header / 2);
    // The map and its frame.
    const mx = margin;
    const my = margin + header;
    ctx.drawImage(off.getCanvas(), mx, my, mapW, mapH);
    ctx.strokeStyle = "#333333";
    ctx.lineWidth = 2;
    ctx.strokeRect(mx, my, mapW, mapH);
    // North arrow (the map is drawn north up unless rotated).
    const na = Math.round(mapH * 0.06);
    ctx.save();
    ctx.translate(mx + mapW - na * 1.2, my + na * 1.4);
    ctx.rotate((-off.getBearing() * Math.PI) / 180);
    ctx.fillStyle = "#111111";
    ctx.beginPath();
    ctx.moveTo(0, -na);
    ctx.lineTo(na * 0.45, na * 0.6);
    ctx.lineTo(0, na * 0.3);
    ctx.lineTo(-na * 0.45, na * 0.6);
    ctx.closePath();
    ctx.fill();
    ctx.font = font(na * 0.5, true);
    ctx.textAlign = "center";
    ctx.fillText("北", 0, -na * 1.35);
    ctx.restore();
    // Scale bar: a round length under a fifth of the map's width.
    const mpp = metresPerPixel(off.getCenter().lat, off.getZoom()) / ratio;
    const len = roundLength((mapW / 5) * mpp);
    const barPx = len / mpp;
    const bx = mx + margin / 2;
    const by = my + mapH - margin / 2;
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    ctx.fillRect(bx - 6, by - na * 0.9, barPx + 12 + na * 3, na * 1.1);
    ctx.fillStyle = "#111111";
    ctx.fillRect(bx, by - na * 0.2, barPx, na * 0.15);
    ctx.font = font(na * 0.4);
    ctx.textAlign = "left";
    ctx.fillText(len >= 1000 ? `${len / 1000} 公里` : `${len} 米`, bx + barPx + 8, by - na * 0.15);
    // Legend.
    const lx = mx + mapW + margin;
    let ly = my;
    ctx.font = font(header * 0.32, true);
    ctx.fillText("图例", lx, ly + header * 0.2);
    ly += header * 0.6;
    const row = header * 0.38;
    ctx.font = font(row * 0.7);
    for (const item of legend) {
      if (item.heading) {
        ctx.font = font(row * 0.75, true);
        ctx.fillText(item.heading, lx, ly + row / 2);
        ctx.font = font(row * 0.7);
      } else {
        ctx.fillStyle = item.colour;
        ctx.fillRect(lx, ly + row * 0.15, row * 0.7, row * 0.7);
        ctx.fillStyle = "#111111";
        ctx.fillText(item.label, lx + row, ly + row / 2);
      }
      ly += row;
      if (ly > my + mapH - row) break;
    }
    // Attribution.
    ctx.font = font(header * 0.22);
    ctx.fillStyle = "#444444";
    ctx.fillText(attribution, margin, H - margin / 2);
    return await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  } finally {
    off.remove();
    holder.remove();
  }
}

/** Saves `blob` as a file named `name`. */
export function save(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
