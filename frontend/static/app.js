// The one-map page: the server's composite vector tiles drawn with the MapLibre style of a view
// (/styles/{view}.json, built from the layer registry), routed by the URL:
//   #/planner (default) — layer panel and the routing panel;
//   #/wall — full screen for the command centre's wall, a clock in the bar;
//   #/township/{code} — one township's risk map (its features only).
// The legend and popups take their Chinese labels from /map/config.json (the registry as well).
// Nothing is a window global: tests import this module and read `onemap`. The page sets
// data-map-idle="1" on <html> after the first full render (data-map-error on failure).
// Coordinates are WGS84/CGCS2000 lon/lat degrees.
import * as maplibregl from "/static/vendor/maplibre-gl.mjs";
import { addRoutingPanel } from "/static/routing.js";
import { showCaller, signIn } from "/static/session.js";
import { addTownshipPanel, fitTownship } from "/static/township.js";
import { print, save } from "/static/print.js";
import { el } from "/static/dom.js";

/** Legend swatch shape per geometry type. */
const SWATCH_SHAPE = { MULTIPOLYGON: "fill", LINESTRING: "line", POINT: "point" };

const statusEl = document.getElementById("status");
function setStatus(text, isError = false) {
  statusEl.textContent = text;
  statusEl.classList.toggle("error", isError);
}

/** A popup with the layer's Chinese field titles and value labels. */
function popupContent(layer, props) {
  const div = el("div", undefined, "popup");
  div.append(el("h3", String(props.name || props.code || layer.title_zh)), el("p", layer.title_zh));
  const table = el("table");
  for (const f of layer.fields) {
    let v = props[f.name];
    if (v === undefined || v === null || v === "") continue;
    if (f.labels_zh && f.labels_zh[v]) v = f.labels_zh[v];
    else if (typeof v === "boolean") v = v ? "是" : "否";
    else if (typeof v === "object") v = Object.entries(v).map(([k, n]) => `${k} ${n}`).join("，");
    const tr = el("tr");
    tr.append(el("th", f.title_zh), el("td", String(v)));
    table.append(tr);
  }
  div.append(table);
  return div;
}

/** What the page shows, for tests and the other modules. */
export const onemap = { map: null, view: null, layers: {}, routing: null, township: null, who: null, config: null };

/** The view, township code and camera in the URL: `#/{view}[/{code}][@lon,lat,zoom]`. */
export function parseHash(hash) {
  const [path, camera] = hash.replace(/^#\/?/, "").split("@");
  const [view, code] = path.split("/");
  const views = ["wall", "planner", "township"];
  const c = (camera || "").split(",").map(Number);
  return {
    view: views.includes(view) ? view : "planner",
    code: view === "township" && /^\d{2,20}$/.test(code || "") ? code : null,
    camera: c.length === 3 && c.every(Number.isFinite) ? { center: [c[0], c[1]], zoom: c[2] } : null,
  };
}

function legendRow(layer, styleIds, map) {
  const li = el("li");
  const label = el("label");
  const box = el("input");
  box.type = "checkbox";
  box.checked = true;
  box.dataset.layer = layer.id;
  const swatch = el("span", undefined, `swatch ${SWATCH_SHAPE[layer.geometry] || "fill"}`);
  swatch.style.background = layer.style.colour;
  label.append(box, swatch, el("span", layer.title_zh));
  const count = el("span", String(layer.count), "count");
  count.dataset.count = layer.id;
  li.append(label, count);
  box.addEventListener("change", (e) => {
    for (const id of styleIds) map.setLayoutProperty(id, "visibility", e.target.checked ? "visible" : "none");
  });
  return li;
}

/** The colour key of every property that colours a layer (risk levels, team status), each
 * under its field's Chinese title, once. */
function colourKey(layers, key) {
  const seen = new Set();
  for (const layer of layers) {
    const by = layer.style.colour_by;
    if (!by || seen.has(by)) continue;
    seen.add(by);
    const field = layer.fields.find((f) => f.name === by) || {};
    const labels = field.labels_zh || {};
    const title = by === "status" ? `${layer.title_zh}${field.title_zh || by}` : field.title_zh || by;
    key.appendChild(el("li", title, "key-title"));
    for (const [value, colour] of layer.style.palette) {
      const li = el("li");
      const swatch = el("span", undefined, "swatch");
      swatch.style.background = colour;
      li.append(swatch, el("span", labels[value] || value));
      key.appendChild(li);
    }
  }
}

/** Keeps the camera in the URL so a link reopens the same map. */
function followCamera(map, route) {
  map.on("moveend", () => {
    const c = map.getCenter();
    const code = route.code ? `/${route.code}` : "";
    const hash = `#/${route.view}${code}@${c.lng.toFixed(5)},${c.lat.toFixed(5)},${map.getZoom().toFixed(2)}`;
    history.replaceState(null, "", hash);
  });
}

/** The wall's clock in the bar. */
function startClock() {
  const clock = document.getElementById("clock");
  clock.hidden = false;
  const tick = () => { clock.textContent = new Date().toLocaleString("zh-CN", { hour12: false }); };
  tick();
  setInterval(tick, 1000);
}

/** The numbers the wall's counters show, from /map/summary.json. */
export function metrics(summary) {
  const l = summary.layers;
  const n = (v) => (typeof v === "number" ? v : 0);
  return {
    hazards: n(l.hazards?.count),
    threatened_people: n(l.hazards?.threatened_people),
    shelter_free: n(l.shelters?.free_places),
    teams_standby: n(l.teams?.by_status?.standby),
    teams_dispatched: n(l.teams?.by_status?.dispatched),
  };
}

/** The wall's live counters: polled every 2 s; when the data changed, the tiles are reloaded
 * too (they revalidate with their ETags), so the map follows within seconds. */
function startCounters(map) {
  const box = document.getElementById("counters");
  box.hidden = false;
  let version = null;
  const update = async () => {
    const res = await fetch("/map/summary.json", { headers: { Accept: "application/json" } });
    if (!res.ok) return;
    const summary = await res.json();
    for (const [metric, value] of Object.entries(metrics(summary))) {
      const el = box.querySelector(`[data-metric="${metric}"]`);
      if (el) el.textContent = String(value);
    }
    if (version !== null && version !== summary.version) {
      const source = map.getSource("onemap");
      if (source && source.tiles) source.setTiles(source.tiles);
    }
    version = summary.version;
  };
  setInterval(() => update().catch((e) => console.warn("counters", e)), 2000);
  return update();
}

/** The legend of a print: each layer's colour and title, then each colour key. */
function legendItems(config) {
  const items = config.layers.map((l) => ({ colour: l.style.colour, label: l.title_zh }));
  const seen = new Set();
  for (const l of config.layers) {
    const by = l.style.colour_by;
    if (!by || seen.has(by)) continue;
    seen.add(by);
    const field = l.fields.find((f) => f.name === by) || {};
    items.push({ heading: by === "status" ? `${l.title_zh}${field.title_zh || by}` : field.title_zh || by });
    for (const [value, colour] of l.style.palette) items.push({ colour, label: (field.labels_zh || {})[value] || value });
  }
  return items;
}

/** Print buttons (A4 and A3 landscape PNG) at the top of `aside`. */
function addPrint(map, aside, config, title) {
  const box = el("section");
  box.id = "print";
  for (const paper of ["A4", "A3"]) {
    const b = el("button", `打印 ${paper}`);
    b.type = "button";
    b.dataset.paper = paper;
    b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        const attribution = [config.attribution, "onemap 应急指挥一张图"].filter(Boolean).join(" · ");
        const blob = await print(map, paper, { title, legend: legendItems(config), attribution });
        save(blob, `${title}-${paper}.png`);
      } finally {
        b.disabled = false;
      }
    });
    box.append(b);
  }
  aside.prepend(box);
}

/** Popups: a cluster zooms in; a feature shows its tile attributes at once, then the whole item. */
function popups(map, config, styleIds) {
  const byStyle = {};
  for (const [layer, ids] of Object.entries(styleIds)) for (const id of ids) byStyle[id] = config.layers.find((l) => l.id === layer);
  const ids = Object.keys(byStyle);
  map.on("click", async (e) => {
    if (onemap.routing && onemap.routing.mode !== "inspect") return;
    const hit = map.queryRenderedFeatures(e.point, { layers: ids.filter((id) => map.getLayer(id)) })[0];
    if (!hit) return;
    const layer = byStyle[hit.layer.id];
    if (hit.properties.point_count !== undefined) {
      map.easeTo({ center: e.lngLat, zoom: Math.min(map.getZoom() + 2, 16) });
      return;
    }
    const popup = new maplibregl.Popup({ maxWidth: "22rem" }).setLngLat(e.lngLat).setDOMContent(popupContent(layer, hit.properties)).addTo(map);
    const id = hit.properties.id;
    if (id === undefined) return;
    const res = await fetch(`/collections/${layer.id}/items/${encodeURIComponent(id)}`, { headers: { Accept: "application/geo+json" } });
    if (res.ok) popup.setDOMContent(popupContent(layer, (await res.json()).properties));
  });
  for (const id of ids) {
    map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
  }
}

async function main() {
  const who = await signIn();
  onemap.who = who;
  showCaller(who);
  if (!who.internal) {
    setStatus("外部系统账号请通过 OGC API 接口读取数据（/collections）", true);
    throw new Error("this account is for partner systems (OGC API), not for the page");
  }
  const route = parseHash(location.hash);
  // A township account's township view is its own township.
  if (route.view === "township" && !route.code && who.township) route.code = who.township;
  onemap.view = route.view;
  document.body.dataset.view = route.view;
  const config = await (await fetch("/map/config.json")).json();
  onemap.config = config;
  document.getElementById("title").textContent = config.title || "应急指挥一张图";
  document.title = `${config.title || "应急指挥一张图"} · onemap`;
  document.getElementById("demo-banner").hidden = !config.demo;

  const style = await (await fetch(`/styles/${route.view}.json`)).json();
  if (route.code) {
    // One township's map: the tiles filtered to its admin-code prefix.
    style.sources.onemap.url = `${style.sources.onemap.url}?township=${route.code}`;
  }
  const bounds = config.bounds || [73.5, 18.0, 135.1, 53.6];
  const map = new maplibregl.Map({
    container: "map",
    style,
    ...(route.camera ? route.camera : { bounds: [[bounds[0], bounds[1]], [bounds[2], bounds[3]]], fitBoundsOptions: { padding: 30 } }),
    attributionControl: false,
    preserveDrawingBuffer: true,
    // Chinese glyphs come from the server's Noto Sans CJK, like every other glyph (the same
    // letters on every machine, offline), not from the browser's local fonts.
    localIdeographFontFamily: false,
  });
  onemap.map = map;
  map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: config.attribution || "onemap" }));
  if (route.view !== "wall") map.addControl(new maplibregl.NavigationControl(), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }));
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once("load", resolve)));

  const styleIds = {};
  for (const l of style.layers) {
    if (l["source-layer"]) (styleIds[l["source-layer"]] ||= []).push(l.id);
  }
  onemap.layers = styleIds;
  const list = document.getElementById("layers");
  for (const layer of config.layers) list.appendChild(legendRow(layer, styleIds[layer.id] || [], map));
  colourKey(config.layers, document.getElementById("risk-key"));
  popups(map, config, styleIds);
  followCamera(map, route);
  if (route.view === "wall") {
    startClock();
    await startCounters(map);
  }
  if (route.view === "township" && route.code) {
    if (!route.camera) await fitTownship(map, route.code);
    onemap.township = await addTownshipPanel(map, document.getElementById("legend"), route.code, config, who);
  }
  if (route.view !== "wall") {
    onemap.routing = await addRoutingPanel(map, document.getElementById("legend"), who);
    const title = route.code ? `${config.title} · ${route.code} 风险一张图` : config.title;
    addPrint(map, document.getElementById("legend"), config, title);
  }
  const total = config.layers.reduce((n, l) => n + l.count, 0);
  await new Promise((resolve) => (map.loaded() && map.areTilesLoaded() ? resolve() : map.once("idle", resolve)));
  setStatus(`${config.layers.length} 个图层，${total} 个要素`);
  document.documentElement.dataset.mapIdle = "1";
}

main().catch((err) => {
  console.error(err);
  const message = String(err && err.message ? err.message : err);
  document.documentElement.dataset.mapError = message;
  setStatus(`加载失败：${message}`, true);
});
