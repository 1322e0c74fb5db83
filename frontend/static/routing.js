// The routing panel of the one-map page: a route between two clicks (saved as an evacuation
// route on request), the nearest shelters with room, the teams that arrive first, the
// ten-minute coverage map (the `reach_time` tile layer) and the road closures in force.
// Positions are WGS84 lon/lat degrees; times come back in seconds and are shown in minutes.

const PROFILES = { foot: "步行", car: "小汽车", rescue: "救援车辆" };
const MODES = {
  inspect: "查看要素",
  route: "两点路线",
  shelters: "最近避难场所",
  dispatch: "调度救援队",
  isochrone: "等时圈",
};
/** Isochrone bands, minutes, nearest first, with their fill colours. */
const BANDS = [[5, "#1a9850"], [10, "#fee08b"], [15, "#f46d43"]];

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

const fmtMin = (s) => `${(s / 60).toFixed(1)} 分钟`;
const fmtKm = (m) => (m >= 1000 ? `${(m / 1000).toFixed(2)} 公里` : `${Math.round(m)} 米`);

async function getJson(url, init) {
  const res = await fetch(url, init);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.description || `HTTP ${res.status}`);
  return body;
}

/** Adds the routing panel to `aside` for `map`; does nothing when the server has no roads. A
 * route can be saved when `who` (as /auth/me) writes evacuation routes. */
export async function addRoutingPanel(map, aside, who) {
  const maySave = who.writes.includes("evacuation_routes");
  const probe = await fetch("/routing/closures");
  if (probe.status === 503) return null;
  const state = { mode: "inspect", profile: "car", clicks: [], last: null, coverage: false };

  const box = document.createElement("section");
  box.id = "routing";
  box.innerHTML = `<h2>路径分析</h2>
    <div class="modes">${Object.entries(MODES).map(([k, v]) => `<button type="button" data-mode="${k}">${v}</button>`).join("")}</div>
    <label>出行方式 <select id="routing-profile">${Object.entries(PROFILES).map(([k, v]) => `<option value="${k}">${v}</option>`).join("")}</select></label>
    <label><input type="checkbox" id="routing-coverage"> 10分钟救援覆盖</label>
    <p id="routing-hint">在地图上点击起点和终点</p>
    <div id="routing-result" aria-live="polite"></div>`;
  aside.appendChild(box);
  const hint = box.querySelector("#routing-hint");
  const result = box.querySelector("#routing-result");
  const profileSel = box.querySelector("#routing-profile");
  profileSel.value = state.profile;

  const empty = { type: "FeatureCollection", features: [] };
  map.addSource("routing-closures", { type: "geojson", data: empty });
  map.addLayer({ id: "routing-closures-fill", type: "fill", source: "routing-closures", paint: { "fill-color": "#b2182b", "fill-opacity": 0.25 } });
  map.addLayer({ id: "routing-closures-line", type: "line", source: "routing-closures", paint: { "line-color": "#b2182b", "line-width": 2, "line-dasharray": [1, 1] } });
  map.addSource("routing-isochrone", { type: "geojson", data: empty });
  map.addLayer({ id: "routing-isochrone", type: "fill", source: "routing-isochrone",
    paint: { "fill-color": ["match", ["get", "minutes"], ...BANDS.flat(), "#888888"], "fill-opacity": 0.35, "fill-outline-color": "#555555" } });
  map.addSource("routing-result", { type: "geojson", data: empty });
  map.addLayer({ id: "routing-result-line", type: "line", source: "routing-result",
    paint: { "line-color": ["case", ["==", ["get", "rank"], 1], "#0050d0", "#6f9be0"], "line-width": ["case", ["==", ["get", "rank"], 1], 5, 3], "line-opacity": 0.9 } });
  map.addSource("routing-points", { type: "geojson", data: empty });
  map.addLayer({ id: "routing-points", type: "circle", source: "routing-points", paint: { "circle-radius": 6, "circle-color": "#0050d0", "circle-stroke-color": "#fff", "circle-stroke-width": 2 } });

  async function loadClosures() {
    const fc = await getJson("/routing/closures");
    map.getSource("routing-closures").setData({ type: "FeatureCollection", features: fc.features.filter((f) => f.geometry) });
    state.closures = fc.features.length;
  }
  await loadClosures();

  const setMode = (mode) => {
    state.mode = mode;
    state.clicks = [];
    for (const b of box.querySelectorAll("[data-mode]")) b.classList.toggle("active", b.dataset.mode === mode);
    hint.textContent = { inspect: "点击要素查看详情", route: "在地图上点击起点和终点", shelters: "点击需要转移的位置",
      dispatch: "点击事发地点", isochrone: "点击出发位置，显示5/10/15分钟可达范围" }[mode];
    if (mode === "shelters") profileSel.value = state.profile = "foot";
    if (mode === "dispatch") profileSel.value = state.profile = "rescue";
  };
  for (const b of box.querySelectorAll("[data-mode]")) b.addEventListener("click", () => setMode(b.dataset.mode));
  profileSel.addEventListener("change", () => { state.profile = profileSel.value; });
  setMode("inspect");

  const show = (features, html) => {
    map.getSource("routing-result").setData({ type: "FeatureCollection", features });
    result.innerHTML = html;
  };
  const fail = (err) => {
    result.innerHTML = `<p class="error">${escapeHtml(err.message || err)}</p>`;
    state.last = { error: String(err.message || err) };
  };

  async function route(a, b) {
    const f = await getJson(`/routing/route?from=${a.lng},${a.lat}&to=${b.lng},${b.lat}&profile=${state.profile}&snap_m=2000`);
    f.properties.rank = 1;
    const avoided = f.properties.closures_avoided || [];
    show([f], `<p><b>${fmtMin(f.properties.duration_s)}</b> · ${fmtKm(f.properties.distance_m)} · ${PROFILES[state.profile]}</p>` +
      (avoided.length ? `<p>绕开封闭：${avoided.map((c) => escapeHtml(c.reason)).join("；")}</p>` : "") +
      (maySave ? `<button type="button" id="routing-save">保存为转移路线</button>` : ""));
    result.querySelector("#routing-save")?.addEventListener("click", async () => {
      const name = `转移路线 ${new Date().toLocaleString("zh-CN")}`;
      try {
        const saved = await getJson("/routing/evacuation-routes", { method: "POST", headers: { "content-type": "application/json" },
          body: JSON.stringify({ name, from: [a.lng, a.lat], to: [b.lng, b.lat], profile: state.profile }) });
        result.insertAdjacentHTML("beforeend", `<p>已保存：${escapeHtml(saved.properties.name)}</p>`);
        state.saved = saved.id;
      } catch (e) { fail(e); }
    });
    state.last = { kind: "route", minutes: f.properties.minutes, distance_m: f.properties.distance_m };
  }

  async function isochrone(p) {
    const fc = await getJson(`/routing/isochrone?at=${p.lng},${p.lat}&minutes=${BANDS.map((b) => b[0]).join(",")}&profile=${state.profile}&snap_m=2000`);
    // Largest first, so the nearer bands draw on top.
    map.getSource("routing-isochrone").setData({ type: "FeatureCollection", features: [...fc.features].reverse() });
    map.getSource("routing-result").setData(empty);
    result.innerHTML = `<ul>${fc.features.map((f) => `<li>${f.properties.minutes} 分钟 · ${f.properties.area_km2} 平方公里 · ${f.properties.junctions_reached} 个路口</li>`).join("")}</ul>`;
    state.last = { kind: "isochrone", bands: fc.features.map((f) => f.properties.area_km2) };
  }

  async function ranked(p, kind) {
    const url = kind === "shelters"
      ? `/routing/nearest-shelters?at=${p.lng},${p.lat}&k=3&profile=${state.profile}&snap_m=2000`
      : `/routing/dispatch?at=${p.lng},${p.lat}&k=5&profile=${state.profile}&snap_m=2000`;
    const fc = await getJson(url);
    const rows = fc.features.map((f) => `<li><b>${escapeHtml(f.properties.name)}</b><br>${fmtMin(f.properties.duration_s)} · ${fmtKm(f.properties.distance_m)}` +
      (kind === "shelters" ? ` · 空余 ${f.properties.free_places} 人` : ` · ${f.properties.members} 人`) + "</li>").join("");
    show(fc.features, fc.features.length ? `<ol>${rows}</ol>` : "<p>没有可达的目标</p>");
    state.last = { kind, count: fc.features.length, minutes: fc.features.map((f) => f.properties.minutes) };
  }

  map.on("click", async (e) => {
    if (state.mode === "inspect") return;
    state.clicks.push(e.lngLat);
    map.getSource("routing-points").setData({ type: "FeatureCollection",
      features: state.clicks.map((c) => ({ type: "Feature", geometry: { type: "Point", coordinates: [c.lng, c.lat] }, properties: {} })) });
    try {
      if (state.mode === "route" && state.clicks.length === 2) {
        const [a, b] = state.clicks;
        state.clicks = [];
        await route(a, b);
      } else if (state.mode === "isochrone") {
        await isochrone(state.clicks.pop());
      } else if (state.mode !== "route") {
        const p = state.clicks.pop();
        await ranked(p, state.mode);
      }
    } catch (err) { fail(err); }
  });

  box.querySelector("#routing-coverage").addEventListener("change", (e) => {
    if (e.target.checked && !map.getSource("routing-coverage")) {
      map.addSource("routing-coverage", { type: "vector", tiles: [`${location.origin}/routing/coverage/{z}/{x}/{y}.mvt?from=teams&minutes=10`], minzoom: 8, maxzoom: 16 });
      map.addLayer({ id: "routing-coverage", type: "line", source: "routing-coverage", "source-layer": "reach_time",
        paint: { "line-width": 2.5, "line-color": ["case", ["!", ["has", "reach_s"]], "#555555",
          ["interpolate", ["linear"], ["get", "reach_s"], 0, "#1a9850", 300, "#fee08b", 600, "#f46d43", 601, "#a50026"]] } }, "routing-closures-fill");
    }
    if (map.getLayer("routing-coverage")) map.setLayoutProperty("routing-coverage", "visibility", e.target.checked ? "visible" : "none");
    state.coverage = e.target.checked;
  });
  return state;
}
