// The diff view: object changes from an older state of the same area to the shown one at the
// shown scale (appeared, disappeared, reclassified, geometry changed, each in its colour; a
// changed shape's old outline dashed), and beside it the stored alerts of that pair, most severe
// first and down to the severity chosen, with accept / reject through the authenticated
// `acknowledgeAlert` mutation.

import { fillSelect, item } from "./dom.js";
import { kindOf } from "./geometry.js";
import { empty } from "./objects.js";

const CHANGED = "id class name geometry";
const DIFF = `query Diff($from: String!, $to: String!, $scale: Int!, $first: Int) {
  diff(from: $from, to: $to, scale: $scale) {
    counts { appeared disappeared reclassified geometryChanged relationAppeared relationVanished unchanged }
    objectChanges(first: $first) { kind oldObject { ${CHANGED} } newObject { ${CHANGED} } }
  }
}`;
const ALERTS = `query Alerts($state: String, $scale: Int, $minSeverity: Severity!, $first: Int, $after: String) {
  alerts(state: $state, scale: $scale, minSeverity: $minSeverity, first: $first, after: $after) {
    edges { node { id kind severity scale message location
      decision { decision decidedBy } fromState { name } toState { name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ACKNOWLEDGE = `mutation Acknowledge($id: ID!, $decision: AlertDecision!) {
  acknowledgeAlert(id: $id, decision: $decision) { id decision { decision decidedBy } }
}`;

const SOURCE = "diff";
export const DIFF_LAYERS = ["diff-fill", "diff-line", "diff-point", "diff-previous"];

export class DiffView {
  constructor(map, api, legend, onLocate) {
    this.map = map;
    this.api = api;
    this.onLocate = onLocate;
    this.active = null;
    this.changes = [];
    const colour = ["match", ["get", "kind"], ...legend.changes.flatMap((c) => [c.kind, c.colour]), "#888888"];
    const change = (k) => ["all", ["==", ["get", "role"], "change"], ["==", ["get", "shape"], k]];
    map.addSource(SOURCE, { type: "geojson", data: empty(), tolerance: 0 });
    map.addLayer({ id: "diff-previous", type: "line", source: SOURCE, filter: ["==", ["get", "role"], "previous"],
      paint: { "line-color": colour, "line-width": 2, "line-dasharray": [2, 2] } });
    map.addLayer({ id: "diff-fill", type: "fill", source: SOURCE, filter: change("polygon"),
      paint: { "fill-color": colour, "fill-opacity": 0.5 } });
    map.addLayer({ id: "diff-line", type: "line", source: SOURCE,
      filter: ["all", ["==", ["get", "role"], "change"], ["!=", ["get", "shape"], "point"]],
      paint: { "line-color": colour, "line-width": 3 } });
    map.addLayer({ id: "diff-point", type: "circle", source: SOURCE, filter: change("point"),
      paint: { "circle-color": colour, "circle-radius": 7, "circle-stroke-color": "#fff", "circle-stroke-width": 1 } });
    const alerts = document.getElementById("alerts");
    alerts.addEventListener("click", (e) => this.onAlertClick(e));
  }

  /**
   * Offer the states of `shown`'s area older than it (by as-of date, then by when they were
   * made) as the older side, the newest first and chosen; with none the control says so.
   */
  offer(states, shown) {
    const age = (s) => [s.asOf, s.createdAt ?? ""];
    const older = states.filter((s) => compare(age(s), age(shown)) < 0).sort((a, b) => compare(age(b), age(a)));
    const select = document.getElementById("diff-from");
    const options = older.map((s) => [s.name, `${s.name} (${s.asOf})`]);
    fillSelect(select, options.length ? options : [["", `no older state of ${shown.area}`]]);
    select.disabled = document.getElementById("diff-run").disabled = !older.length;
  }

  /** Show the changes from `from` to `to` at `scale`, and the alerts of that pair. */
  async show(from, to, scale, config) {
    this.active = { from, to: to.name, scale };
    const { diff } = await this.api.gql(DIFF, { from, to: to.name, scale, first: config.pageSize });
    this.changes = diff.objectChanges;
    const features = [];
    for (const change of diff.objectChanges) {
      const object = change.kind === "DISAPPEARED" ? change.oldObject : change.newObject;
      features.push(feature(object, change.kind, "change"));
      if (change.kind === "GEOMETRY_CHANGED" && change.oldObject) features.push(feature(change.oldObject, change.kind, "previous"));
    }
    this.map.getSource(SOURCE).setData({ type: "FeatureCollection", features });
    const c = diff.counts;
    const counts = document.getElementById("diff-counts");
    counts.textContent = `${from} → ${to.name} at 1:${scale.toLocaleString("en-US")}: ${c.appeared} appeared, `
      + `${c.disappeared} disappeared, ${c.reclassified} reclassified, ${c.geometryChanged} geometry changed, `
      + `${c.relationAppeared} relations appeared, ${c.relationVanished} vanished, ${c.unchanged} unchanged`;
    Object.assign(counts.dataset, { appeared: c.appeared, disappeared: c.disappeared, reclassified: c.reclassified, geometryChanged: c.geometryChanged });
    await this.loadAlerts(config);
    return diff;
  }

  /**
   * The stored alerts into `to` at the shown scale whose older side is `from`, of the chosen
   * severity or above, in the API's order: most severe first, then newest.
   */
  async loadAlerts(config) {
    const { from, to, scale } = this.active;
    const minSeverity = document.getElementById("alert-severity").value;
    const { nodes } = await this.api.all(ALERTS, { state: to, scale, minSeverity }, "alerts", config.pageSize, config.maxObjects);
    const mine = nodes.filter((a) => a.fromState?.name === from);
    const list = document.getElementById("alerts");
    list.replaceChildren(...mine.map((a) => this.alertItem(a)));
    if (!mine.length) list.append(item(null, `no stored alerts for this pair at this scale (${minSeverity.toLowerCase()} or above)`));
  }

  alertItem(alert) {
    const li = item(null, "", { alertId: alert.id, kind: alert.kind });
    const severity = Object.assign(document.createElement("span"), { className: `severity ${alert.severity}`, textContent: alert.severity });
    const text = Object.assign(document.createElement("span"), { className: "locate", textContent: alert.message, title: "show on the map" });
    text.dataset.lon = alert.location.coordinates[0];
    text.dataset.lat = alert.location.coordinates[1];
    li.append(severity, text, document.createElement("br"));
    if (alert.decision) {
      li.dataset.decision = alert.decision.decision;
      li.append(Object.assign(document.createElement("span"), { className: "decision",
        textContent: `${alert.decision.decision.toLowerCase()}ed by ${alert.decision.decidedBy}` }));
    } else {
      for (const decision of ["ACCEPT", "REJECT"]) {
        const button = Object.assign(document.createElement("button"), { type: "button", className: "acknowledge", textContent: decision.toLowerCase() });
        button.dataset.decision = decision;
        li.append(button);
      }
    }
    return li;
  }

  onAlertClick(event) {
    const locate = event.target.closest(".locate");
    if (locate) this.onLocate([Number(locate.dataset.lon), Number(locate.dataset.lat)]);
  }

  /** Send the decision on an alert with the page's API key; returns the updated list item. */
  async acknowledge(button, config) {
    const li = button.closest("li[data-alert-id]");
    const { acknowledgeAlert } = await this.api.gql(ACKNOWLEDGE, { id: li.dataset.alertId, decision: button.dataset.decision });
    await this.loadAlerts(config);
    return acknowledgeAlert;
  }

  clear() {
    this.active = null;
    this.changes = [];
    this.map.getSource(SOURCE).setData(empty());
    document.getElementById("diff-counts").textContent = "";
    document.getElementById("alerts").replaceChildren();
  }
}

/** Order of two equally long arrays of strings, element by element. */
function compare(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function feature(object, kind, role) {
  return { type: "Feature", geometry: object.geometry, properties: { id: object.id, kind, role, shape: kindOf(object.geometry) } };
}
