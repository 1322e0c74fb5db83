// The one-map page: every layer of the store as GeoJSON from the OGC API items endpoints,
// coloured by risk level, with a Chinese legend and the routing panel (routing.js). Coordinates are WGS84/CGCS2000 lon/lat degrees.
import * as maplibregl from "/static/vendor/maplibre-gl.mjs";
import { addRoutingPanel } from "/static/routing.js";

/** Risk colours from the field (domain.md): major red, large orange, general yellow, low blue. */
export const RISK_COLOURS = { major: "#d7191c", large: "#f17c0e", general: "#f5d000", low: "#2b83ba" };
const riskColour = ["match", ["get", "risk_level"],
  "major", RISK_COLOURS.major, "large", RISK_COLOURS.large,
  "general", RISK_COLOURS.general, "low", RISK_COLOURS.low, "#888888"];

/** Map style layers per collection, bottom to top. */
const LAYER_STYLES = {
  admin_areas: [
    { type: "fill", paint: { "fill-color": "#eef2f7", "fill-opacity": 0.35 } },
    { type: "line", paint: {
      "line-color": "#56657a",
      "line-width": ["match", ["get", "level"], "district", 3, "township", 2, "village", 0.8, 0.5],
      "line-dasharray": [3, 1] } },
  ],
  risk_zones: [
    { type: "fill", paint: { "fill-color": riskColour, "fill-opacity": 0.3 } },
    { type: "line", paint: { "line-color": riskColour, "line-width": 1.5 } },
  ],
  roads: [
    { type: "line", paint: {
      "line-color": "#9a8f80",
      "line-width": ["match", ["get", "highway"],
        ["motorway", "trunk", "primary"], 2.5, ["secondary", "tertiary"], 1.6, 0.8] } },
  ],
  evacuation_routes: [
    { type: "line", paint: { "line-color": "#1a9850", "line-width": 3, "line-dasharray": [2, 1] } },
  ],
  shelters: [
    { type: "circle", paint: { "circle-color": "#1a9850", "circle-radius": 6,
      "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5,
      "circle-opacity": ["case", ["get", "open"], 1, 0.5] } },
  ],
  depots: [
    { type: "circle", paint: { "circle-color": "#7b3294", "circle-radius": 6,
      "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } },
  ],
  hazards: [
    { type: "circle", paint: { "circle-color": riskColour,
      "circle-radius": ["match", ["get", "risk_level"], "major", 6, "large", 5, 4],
      "circle-stroke-color": "#222222", "circle-stroke-width": 0.6 } },
  ],
  teams: [
    { type: "circle", paint: { "circle-color": "#222222", "circle-radius": 6,
      "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } },
  ],
};
const SWATCH = {
  admin_areas: ["#56657a", "line"], risk_zones: [RISK_COLOURS.large, "fill"], roads: ["#9a8f80", "line"],
  evacuation_routes: ["#1a9850", "line"], shelters: ["#1a9850", "point"], depots: ["#7b3294", "point"],
  hazards: [RISK_COLOURS.major, "point"], teams: ["#222222", "point"],
};
const RISK_LABELS = { major: "重大", large: "较大", general: "一般", low: "低" };

const statusEl = document.getElementById("status");
function setStatus(text, isError = false) {
  statusEl.textContent = text;
  statusEl.classList.toggle("error", isError);
}

/** Fetches every feature of a collection, following `next` links. */
async function fetchAll(collection) {
  const features = [];
  let url = `/collections/${collection}/items?limit=10000`;
  while (url) {
    const res = await fetch(url, { headers: { Accept: "application/geo+json" } });
    if (!res.ok) throw new Error(`${collection}: HTTP ${res.status}`);
    const page = await res.json();
    features.push(...page.features);
    const next = (page.links || []).find((l) => l.rel === "next");
    url = next ? next.href : null;
  }
  return { type: "FeatureCollection", features };
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** A popup table with the layer's Chinese field titles and value labels. */
function popupHtml(layer, props) {
  const rows = layer.fields.map((f) => {
    let v = props[f.name];
    if (v === undefined || v === null || v === "") return "";
    if (f.labels_zh && f.labels_zh[v]) v = f.labels_zh[v];
    else if (typeof v === "boolean") v = v ? "是" : "否";
    else if (typeof v === "object") v = Object.entries(v).map(([k, n]) => `${k} ${n}`).join("，");
    return `<tr><th>${escapeHtml(f.title_zh)}</th><td>${escapeHtml(v)}</td></tr>`;
  }).join("");
  const name = props.name || props.code || layer.title_zh;
  return `<div class="popup"><h3>${escapeHtml(name)}</h3><p>${escapeHtml(layer.title_zh)}</p><table>${rows}</table></div>`;
}

function legendRow(layer, styleIds, map) {
  const li = document.createElement("li");
  const [colour, shape] = SWATCH[layer.id] || ["#888", "fill"];
  li.innerHTML = `<label><input type="checkbox" checked data-layer="${layer.id}">` +
    `<span class="swatch ${shape}" style="background:${colour}"></span>` +
    `<span>${escapeHtml(layer.title_zh)}</span></label><span class="count" data-count="${layer.id}">${layer.count}</span>`;
  li.querySelector("input").addEventListener("change", (e) => {
    for (const id of styleIds) map.setLayoutProperty(id, "visibility", e.target.checked ? "visible" : "none");
  });
  return li;
}

async function main() {
  const config = await (await fetch("/map/config.json")).json();
  document.getElementById("title").textContent = config.title || "应急指挥一张图";
  document.title = `${config.title || "应急指挥一张图"} · onemap`;
  document.getElementById("demo-banner").hidden = !config.demo;

  const bounds = config.bounds || [73.5, 18.0, 135.1, 53.6];
  const map = new maplibregl.Map({
    container: "map",
    style: { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#fbfaf7" } }] },
    bounds: [[bounds[0], bounds[1]], [bounds[2], bounds[3]]],
    fitBoundsOptions: { padding: 30 },
    attributionControl: false,
    preserveDrawingBuffer: true,
  });
  window.map = map;
  map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: config.attribution || "onemap" }));
  map.addControl(new maplibregl.NavigationControl(), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }));
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once("load", resolve)));

  const data = await Promise.all(config.layers.map((l) => fetchAll(l.id)));
  const styleIds = {};
  const list = document.getElementById("layers");
  config.layers.forEach((layer, i) => {
    map.addSource(layer.id, { type: "geojson", data: data[i] });
    styleIds[layer.id] = (LAYER_STYLES[layer.id] || []).map((s, n) => {
      const id = `${layer.id}-${s.type}-${n}`;
      map.addLayer({ id, source: layer.id, ...s });
      map.on("click", id, (e) => {
        // In a routing mode a click places a point; only the inspect mode opens popups.
        if (window.onemapRouting && window.onemapRouting.mode !== "inspect") return;
        new maplibregl.Popup({ maxWidth: "22rem" }).setLngLat(e.lngLat).setHTML(popupHtml(layer, e.features[0].properties)).addTo(map);
      });
      map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
      return id;
    });
    list.appendChild(legendRow({ ...layer, count: data[i].features.length }, styleIds[layer.id], map));
  });
  const key = document.getElementById("risk-key");
  for (const [level, colour] of Object.entries(RISK_COLOURS)) {
    const li = document.createElement("li");
    li.innerHTML = `<span class="swatch" style="background:${colour}"></span><span>${RISK_LABELS[level]}</span>`;
    key.appendChild(li);
  }
  window.onemapLayerStyles = styleIds;
  await addRoutingPanel(map, document.getElementById("legend"));
  const total = data.reduce((n, fc) => n + fc.features.length, 0);
  await new Promise((resolve) => map.once("idle", resolve));
  setStatus(`${config.layers.length} 个图层，${total} 个要素`);
  window.onemapReady = true;
}

main().catch((err) => {
  console.error(err);
  window.onemapError = String(err && err.message ? err.message : err);
  setStatus(`加载失败：${window.onemapError}`, true);
});
