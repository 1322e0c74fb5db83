// The township view's panel (十个一: "one hazard map"): the township's hazards with the person
// responsible and their phone, filtered by risk level and status; a click flies the map to one;
// the next step of a hazard's life (发现 → 确认 → 管控 → 整改 → 核销) is one button for those who
// write hazards. Text is set with textContent only. Positions are WGS84 lon/lat degrees.

import { el } from "/static/dom.js";

const STEPS = ["discovered", "confirmed", "controlled", "rectifying", "closed"];
const MAX = 1000;

/** The bounding box `[w, s, e, n]` of a GeoJSON geometry. */
function bbox(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === "number") {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return b;
}

/** Fits `map` to the township `code`'s admin area, when the store has it. */
export async function fitTownship(map, code) {
  const res = await fetch(`/collections/admin_areas/items?code=${encodeURIComponent(code)}&limit=1`, { headers: { Accept: "application/geo+json" } });
  if (!res.ok) return;
  const area = (await res.json()).features[0];
  if (!area) return;
  const b = bbox(area.geometry);
  map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 30, duration: 0 });
}

/** Adds the township panel for `code` to `aside`; `config` labels the values, `who` says
 * whether the lifecycle buttons show. Returns the panel's state (for tests). */
export async function addTownshipPanel(map, aside, code, config, who) {
  const layer = config.layers.find((l) => l.id === "hazards");
  const labels = (name) => (layer.fields.find((f) => f.name === name) || {}).labels_zh || {};
  const state = { code, hazards: [], shown: [], error: null };
  const box = el("section");
  box.id = "township";
  box.append(el("h2", `隐患清单 · ${code}`));
  const filters = el("div", undefined, "filters");
  const select = (name, values, all) => {
    const s = el("select");
    s.dataset.filter = name;
    s.setAttribute("aria-label", (layer.fields.find((f) => f.name === name) || {}).title_zh || name);
    s.append(new Option(all, ""));
    for (const v of values) s.append(new Option(labels(name)[v] || v, v));
    filters.append(s);
    return s;
  };
  const level = select("risk_level", Object.keys(labels("risk_level")), "全部等级");
  const status = select("status", STEPS, "全部状态");
  const count = el("p", "", "count");
  const list = el("ol");
  list.id = "township-hazards";
  box.append(filters, count, list);
  aside.prepend(box);

  const render = () => {
    state.shown = state.hazards.filter((f) => (!level.value || f.properties.risk_level === level.value)
      && (!status.value || f.properties.status === status.value));
    count.textContent = `${state.shown.length} / ${state.total} 个隐患点`;
    list.replaceChildren(...state.shown.map(row));
  };
  const row = (f) => {
    const p = f.properties;
    const li = el("li");
    li.dataset.id = f.id;
    const name = el("button", p.name, "fly");
    name.type = "button";
    name.addEventListener("click", () => map.flyTo({ center: f.geometry.coordinates, zoom: 15 }));
    const meta = el("span", `${labels("risk_level")[p.risk_level] || p.risk_level} · ${labels("status")[p.status] || p.status}`, "meta");
    const who_ = el("span", [p.responsible, p.phone].filter(Boolean).join(" "), "contact");
    li.append(name, meta, who_);
    const next = STEPS[STEPS.indexOf(p.status) + 1];
    if (next && who.writes.includes("hazards")) {
      const step = el("button", `→ ${labels("status")[next] || next}`, "step");
      step.type = "button";
      step.dataset.next = next;
      step.addEventListener("click", async () => {
        step.disabled = true;
        const res = await fetch(`/collections/hazards/items/${encodeURIComponent(f.id)}`, {
          method: "PATCH",
          headers: { "content-type": "application/merge-patch+json", "if-match": `"${f.version}"` },
          body: JSON.stringify({ properties: { status: next } }),
        });
        const answer = await res.json().catch(() => ({}));
        if (!res.ok) {
          state.error = answer.description || `HTTP ${res.status}`;
          step.disabled = false;
          step.title = state.error;
          return;
        }
        Object.assign(f, { properties: answer.properties, version: answer.version });
        render();
      });
      li.append(step);
    }
    return li;
  };
  level.addEventListener("change", render);
  status.addEventListener("change", render);

  const res = await fetch(`/collections/hazards/items?township=${encodeURIComponent(code)}&limit=${MAX}`, { headers: { Accept: "application/geo+json" } });
  if (!res.ok) throw new Error(`hazards of ${code}: HTTP ${res.status}`);
  const page = await res.json();
  state.hazards = page.features;
  state.total = page.numberMatched;
  render();
  return state;
}
