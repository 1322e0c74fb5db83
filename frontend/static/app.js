// The one-map page: every layer of the store as GeoJSON from the OGC API items endpoints,
// drawn as the layer registry says (/map/config.json: colours, labels), with a Chinese legend and the routing panel (routing.js). Coordinates are WGS84/CGCS2000 lon/lat degrees.
import * as maplibregl from "/static/vendor/maplibre-gl.mjs";
import { addRoutingPanel } from "/static/routing.js";
import { showCaller, signIn } from "/static/session.js";

/** The colour of a layer's features: one colour, or a `match` on the property whose values carry
 * their own colours (risk levels: major red, large orange, general yellow, low blue). */
function colourOf(style) {
  if (!style.colour_by) return style.colour;
  const pairs = Object.entries(style.palette).flat();
  return ["match", ["get", style.colour_by], ...pairs, style.colour];
}

/** Map style layers for one layer of the registry (as /map/config.json describes it), bottom to top. */
function layerStyles(layer) {
  const colour = colourOf(layer.style);
  switch (layer.geometry) {
    case "MULTIPOLYGON":
      return [
        { type: "fill", paint: { "fill-color": colour, "fill-opacity": layer.style.colour_by ? 0.3 : 0.08 } },
        { type: "line", paint: { "line-color": colour, "line-width": 1.5 } },
      ];
    case "LINESTRING":
      return [{ type: "line", paint: { "line-color": colour, "line-width": 2 } }];
    default:
      return [{ type: "circle", paint: { "circle-color": colour, "circle-radius": 6,
        "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } }];
  }
}

/** Legend swatch shape per geometry type. */
const SWATCH_SHAPE = { MULTIPOLYGON: "fill", LINESTRING: "line", POINT: "point" };

/** An element with text content (never parsed as HTML). */
function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

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

/** The colour key of every property that colours a layer (the risk levels), once each. */
function colourKey(layers, key) {
  const seen = new Set();
  for (const layer of layers) {
    const by = layer.style.colour_by;
    if (!by || seen.has(by)) continue;
    seen.add(by);
    const labels = (layer.fields.find((f) => f.name === by) || {}).labels_zh || {};
    for (const [value, colour] of Object.entries(layer.style.palette)) {
      const li = el("li");
      const swatch = el("span", undefined, "swatch");
      swatch.style.background = colour;
      li.append(swatch, el("span", labels[value] || value));
      key.appendChild(li);
    }
  }
}

async function main() {
  const who = await signIn();
  showCaller(who);
  if (!who.internal) {
    setStatus("外部系统账号请通过 OGC API 接口读取数据（/collections）", true);
    window.onemapError = "this account is for partner systems (OGC API), not for the page";
    return;
  }
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
    styleIds[layer.id] = layerStyles(layer).map((s, n) => {
      const id = `${layer.id}-${s.type}-${n}`;
      map.addLayer({ id, source: layer.id, ...s });
      map.on("click", id, (e) => {
        // In a routing mode a click places a point; only the inspect mode opens popups.
        if (window.onemapRouting && window.onemapRouting.mode !== "inspect") return;
        new maplibregl.Popup({ maxWidth: "22rem" }).setLngLat(e.lngLat).setDOMContent(popupContent(layer, e.features[0].properties)).addTo(map);
      });
      map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
      return id;
    });
    list.appendChild(legendRow({ ...layer, count: data[i].features.length }, styleIds[layer.id], map));
  });
  colourKey(config.layers, document.getElementById("risk-key"));
  window.onemapLayerStyles = styleIds;
  await addRoutingPanel(map, document.getElementById("legend"), who);
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
