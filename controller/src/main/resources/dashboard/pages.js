"use strict";
// The dashboard's pages; each reads its state from the API, then follows the event stream (api.js).
const page = document.getElementById("page");
let current = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => k === "class" ? e.className = v : k.startsWith("on")
    ? e[k] = v : e.setAttribute(k, v));
  e.append(...children.filter(c => c != null).map(c => typeof c === "object" ? c : String(c)));
  return e;
}

function table(headings, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, ...headings.map(h => el("th", {}, h)))),
    el("tbody", {}, ...rows));
}

const fmt = (v, digits = 3) => v == null ? "" : Number(v).toFixed(digits);

// results are fetched with the token and saved, since a plain link would carry none
function download(href, name) {
  return el("a", { href, onclick: async ev => {
    ev.preventDefault();
    const r = await Api.request(href);
    if (!r.ok) return;
    const url = URL.createObjectURL(await r.blob());
    el("a", { href: url, download: name }).click();
    URL.revokeObjectURL(url);
  } }, name);
}

function runsPage() {
  const body = el("tbody");
  page.append(el("h2", {}, "Runs"), el("table", {}, el("thead", {}, el("tr", {},
    ...["run", "model", "device class", "status", "measurements", "reason"].map(h => el("th", {}, h)))), body));
  const load = async () => {
    const runs = await Api.json("/api/runs");
    body.replaceChildren(...runs.map(r => el("tr", { class: "link", onclick: () => location.hash = "#/run/" + r.id },
      el("td", {}, r.id.slice(0, 8)), el("td", {}, r.model), el("td", {}, r.deviceClass), el("td", {}, r.status),
      el("td", { class: "num" }, r.measurements), el("td", {}, r.reason || ""))));
  };
  load();
  return { onEvent: type => type === "open" || type.startsWith("run-") ? load() : null };
}

function runPage(id) {
  const state = { run: null, iterations: [], layers: null, resultsReady: false, heldOut: [], profile: null,
    tradeoff: null };
  const head = el("h2"), info = el("p", { class: "muted" }), links = el("p");
  const boxes = ["convergence", "calibration", "bits", "layer-times", "profile", "tradeoff"].map(name => el("div", {
    class: ["convergence", "calibration", "tradeoff"].includes(name) ? "chart" : "chart wide", id: "chart-" + name }));
  const rows = el("tbody");
  page.append(head, info, links, el("div", { class: "charts" }, ...boxes),
    el("h2", {}, "Iterations"), el("table", {}, el("thead", {}, el("tr", {}, ...["#", "kind", "agent", "predicted ms",
      "measured ms", "95 % interval ms", "verdict"].map(h => el("th", {}, h)))), rows));
  const charts = boxes.map(b => echarts.init(b));
  const [convergence, calibration, bits, layerTimes, profile, tradeoff] = charts;
  let tradeoffTries = 0, tradeoffTimer = null;
  const resize = () => charts.forEach(c => c.resize());
  window.addEventListener("resize", resize);

  function render() {
    const r = state.run, its = state.iterations;
    head.replaceChildren("Run " + id + " — " + r.status);
    if (r.status === "queued" || r.status === "running") head.append(" ", el("button", { onclick: cancel }, "Cancel"));
    info.replaceChildren(r.model + " on " + r.deviceClass + " · budgets " + JSON.stringify(r.budgets)
      + (r.reason ? " · " + r.reason : ""));
    const files = { "report-html": "report.html", report: "report.json", model: "model.onnx",
      "cost-model": "cost-model.json", layers: "layers.json",
      profile: "profile.json" };
    if (state.tradeoff) files.tradeoff = "tradeoff.json";
    links.replaceChildren(...(state.resultsReady ? Object.keys(files) : [])
      .flatMap(f => [download("/api/runs/" + id + "/" + f, files[f]), " "]));
    convergence.setOption(SqCharts.convergence(r, its), true);
    const last = its[its.length - 1];
    bits.setOption(SqCharts.bits(state.layers, last ? last.bits : {}, last ? "Bits per layer (iteration "
      + last.index + ")" : "Bits per layer"), true);
    calibration.setOption(SqCharts.calibration(its, state.heldOut), true);
    layerTimes.setOption(SqCharts.layerTimes(state.profile, state.layers), true);
    profile.setOption(SqCharts.profile(state.profile), true);
    tradeoff.setOption(SqCharts.tradeoff(state.tradeoff), true);
    if (!performance.getEntriesByName("first-chart").length) performance.mark("first-chart"); // time to first chart
    rows.replaceChildren(...its.map(it => el("tr", {}, el("td", { class: "num" }, it.index), el("td", {}, it.kind),
      el("td", {}, it.agentId), el("td", { class: "num" }, fmt(it.predictedMs, 4)),
      el("td", { class: "num" }, fmt(it.correctedMs != null ? it.correctedMs : it.measuredMs, 4)),
      el("td", { class: "num" }, it.ciLowMs == null ? "" : fmt(it.ciLowMs, 4) + " – " + fmt(it.ciHighMs, 4)),
      el("td", {}, it.verdict || ""))));
  }

  async function cancel() {
    if (confirm("Cancel run " + id + "? It will not resume; what it measured is kept.")) {
      await Api.request("/api/runs/" + id + "/cancel", { method: "POST" });
    }
  }

  async function loadLayers() {
    if (state.layers) return;
    const r = await Api.request("/api/runs/" + id + "/layers");
    if (r.ok) state.layers = await r.json(); // 409 until the run has computed its sensitivity
  }

  async function loadProfile() {
    const r = await Api.request("/api/runs/" + id + "/profile");
    if (r.ok) state.profile = await r.json(); // 409 until the run's first iteration
  }

  /**
   * tradeoff.json is written after the run's end, with no event of its own: asked for again every 5 s, at most 60
   * times (its CP-SAT levels are bounded at 5 s each), while the page is open.
   */
  async function loadTradeoff() {
    if (state.tradeoff || tradeoffTimer || !state.resultsReady || tradeoffTries >= 60) return;
    tradeoffTries++;
    const r = await Api.request("/api/runs/" + id + "/tradeoff");
    if (r.ok) {
      state.tradeoff = await r.json();
      render();
    } else if (r.status === 404) {
      tradeoffTimer = setTimeout(() => { tradeoffTimer = null; loadTradeoff(); }, 5000);
    }
  }

  async function load() {
    const s = await Api.json("/api/runs/" + id);
    Object.assign(state, { run: s.run, iterations: s.iterations, resultsReady: s.resultsReady });
    await Promise.all([loadLayers(), loadProfile()]);
    if (s.resultsReady && !state.heldOut.length) { // the held-out benchmark, when the run asked for one
      const b = await Api.request("/api/runs/" + id + "/benchmark");
      if (b.ok) state.heldOut = (await b.json()).heldOut || [];
    }
    render();
    loadTradeoff();
  }

  load();
  return {
    onEvent: async (type, data) => {
      if (type === "open" || (type.startsWith("run-") && data.id === id)) {
        load();
      } else if (type === "iteration" && data.runId === id && state.run) {
        if (!state.iterations.some(it => it.index === data.iteration.index)) {
          state.iterations.push(data.iteration);
          state.iterations.sort((a, b) => a.index - b.index);
        }
        await Promise.all([loadLayers(), loadProfile()]);
        render();
      }
    },
    dispose: () => {
      clearTimeout(tradeoffTimer);
      tradeoffTries = Infinity;
      window.removeEventListener("resize", resize);
      charts.forEach(c => c.dispose());
    }
  };
}

const ago = ms => Math.max(0, Math.round((Date.now() - ms) / 1000)) + " s ago";

/** A class's cost model in a line: the run that fitted it and each format's held-out error. */
function costModelLine(m) {
  if (!m) return el("p", { class: "muted cost-model" }, "No calibrated cost model yet: a run on this class fits one.");
  const fits = Object.entries((m.model && m.model.latencyFits) || {}).map(([format, f]) => format + " "
    + (typeof f.heldOutMedianApe === "number" ? fmt(100 * f.heldOutMedianApe, 1) + " %" : "n/a")
    + " (" + f.observations + " obs.)");
  return el("p", { class: "cost-model", "data-class": m.deviceClass }, "Cost model v" + m.version + " from ",
    m.runId ? el("a", { href: "#/run/" + m.runId }, "run " + m.runId.slice(0, 8)) : "a run not recorded",
    ", " + ago(m.createdAtMs) + " · held-out median error per format: " + (fits.join(", ") || "no fits"));
}

function fleetPage() {
  const agents = {}, box = el("div");
  let attempts = [], costModels = [], pending = null;
  page.append(el("h2", {}, "Fleet"), box);
  const render = () => {
    const classes = {};
    Object.values(agents).forEach(a => (classes[a.deviceClass || "unknown"] ||= []).push(a));
    costModels.forEach(m => classes[m.deviceClass] ||= []);
    const held = {}; // agent → its outstanding attempts, oldest (the one it measures) first
    attempts.forEach(t => (held[t.agentId] ||= []).push(t));
    box.replaceChildren(...Object.keys(classes).sort().flatMap(c => [el("h3", {}, c),
      costModelLine(costModels.find(m => m.deviceClass === c)), table(["agent", "state", "last heard", "heartbeat",
        "simulated", "measuring", "queue", "jobs held", "energy meter", "cores", "ONNX Runtime"],
      classes[c].sort((a, b) => a.id.localeCompare(b.id)).map(a => {
        const state = !a.online ? "offline" : a.stale ? "stale" : "online", caps = a.capabilities || {};
        const mine = held[a.id] || [], now = mine[0];
        return el("tr", { "data-agent": a.id }, el("td", {}, a.id), el("td", { class: "state " + state }, state),
          el("td", { class: "num" }, ago(a.lastSeenMs)),
          el("td", { class: "num" }, a.heartbeatS == null ? "" : "every " + a.heartbeatS + " s"),
          el("td", {}, caps.simulated ? "simulated" : "real"),
          el("td", { class: "measuring" }, ...(now ? [el("a", { href: "#/run/" + now.runId }, "run "
            + now.runId.slice(0, 8)), " job " + now.jobId.slice(0, 13) + " #" + now.attempt + ", sent " + ago(now.sentAtMs)]
            : [])),
          el("td", { class: "num queue" }, mine.length > 1 ? mine.length - 1 : ""),
          el("td", { class: "num" }, a.jobsHeld == null ? "" : a.jobsHeld), el("td", {}, caps.energyMeter || ""),
          el("td", { class: "num" }, caps.cores || ""), el("td", {}, caps.onnxRuntimeVersion || ""));
      }))]));
    if (!Object.keys(classes).length) box.append(el("p", { class: "muted" }, "No agent has connected yet."));
  };
  const loadWork = async () => {
    [attempts, costModels] = await Promise.all([Api.json("/api/agents/attempts"),
      Api.json("/api/device-classes/cost-models")]);
    render();
  };
  // what agents hold changes with every job: reread at most once a second, however many events come
  const workChanged = () => pending ||= setTimeout(() => { pending = null; loadWork(); }, 1000);
  const load = async () => {
    (await Api.json("/api/agents")).forEach(a => agents[a.id] = a);
    await loadWork();
  };
  load();
  const tick = setInterval(render, 1000); // "last heard" moves; nothing is fetched
  return {
    onEvent: (type, data) => type === "open" ? load() : type === "agent" ? (agents[data.id] = data, render(),
      workChanged()) : type === "iteration" || type.startsWith("run-") ? workChanged() : null,
    dispose: () => { clearInterval(tick); clearTimeout(pending); }
  };
}

/** Fields of the request the API's messages name, in the form's order. */
const FIELDS = ["model", "deviceClass", "maxLatencyMs", "maxSizeBytes", "maxEnergyMj", "latencyFraction",
  "maxIterations"];

function newRunPage() {
  const error = field => el("span", { class: "error", "data-for": field });
  const row = (label, field, ...inputs) => el("label", {}, el("span", { class: "field" }, label), ...inputs, error(field));
  const number = name => el("input", { name, type: "number", step: "any", size: 10 });
  const classes = el("select", { name: "deviceClass" });
  const form = el("form", { class: "run", novalidate: "" },
    row("Model (ONNX)", "model", el("input", { name: "model", type: "file", accept: ".onnx" })),
    row("Data (optional)", "data", el("input", { name: "data", type: "file", multiple: "" }),
      " IDX files: calib-* for the sensitivity and activation ranges, eval-* for the accuracy–size front"),
    row("Device class", "deviceClass", classes),
    row("Max latency", "maxLatencyMs", number("maxLatencyMs"), " ms"),
    row("Max size", "maxSizeBytes", number("maxSize"), " ", el("select", { name: "sizeUnit" },
      el("option", { value: "1024" }, "KiB"), el("option", { value: "1048576" }, "MiB"),
      el("option", { value: "1" }, "bytes"))),
    row("Max energy", "maxEnergyMj", number("maxEnergyMj"), " mJ per inference"),
    row("Latency fraction of float", "latencyFraction", number("latencyFraction"), " (instead of a max latency)"),
    row("Max iterations", "maxIterations", number("maxIterations")),
    el("button", { type: "submit" }, "Start run"), " ", error(""));
  page.append(el("h2", {}, "Start a run"), form);

  const loadClasses = async () => {
    const [ids, agents] = await Promise.all([Api.json("/api/device-classes"), Api.json("/api/agents")]);
    const chosen = classes.dataset.picked; // the user's choice stays; until then a class with agents online
    classes.replaceChildren(...ids.map(c => {
      const online = agents.filter(a => a.deviceClass === c && a.online && !a.stale).length;
      return el("option", { value: c }, c + (online ? " (" + online + " online)" : ""));
    }));
    const live = ids.find(c => agents.some(a => a.deviceClass === c && a.online));
    classes.value = chosen || live || ids[0];
  };
  classes.onchange = () => classes.dataset.picked = classes.value;
  loadClasses();

  form.onsubmit = async ev => {
    ev.preventDefault();
    form.querySelectorAll(".error").forEach(e => e.textContent = "");
    const f = form.elements, request = { deviceClass: f.deviceClass.value };
    const put = (key, text, scale = 1) => { if (text.trim() !== "") request[key] = Number(text) * scale; };
    put("maxLatencyMs", f.maxLatencyMs.value);
    put("maxSizeBytes", f.maxSize.value, Number(f.sizeUnit.value));
    put("maxEnergyMj", f.maxEnergyMj.value);
    put("latencyFraction", f.latencyFraction.value);
    put("maxIterations", f.maxIterations.value);
    const body = new FormData();
    if (f.model.files[0]) body.append("model", f.model.files[0], f.model.files[0].name);
    for (const file of f.data.files) body.append("data", file, file.name);
    body.append("request", JSON.stringify(request));
    const r = await Api.request("/api/runs", { method: "POST", body });
    const answer = await r.json().catch(() => ({ error: r.status + " " + r.statusText }));
    if (r.ok) {
      location.hash = "#/run/" + answer.run.id;
      return;
    }
    // beside the one field the message names; a message naming several (or none) goes beside the button
    const named = FIELDS.filter(k => new RegExp("\\b" + k + "\\b").test(answer.error)
      || (k === "model" && /'model' part|ONNX/.test(answer.error)));
    form.querySelector(`.error[data-for="${named.length === 1 ? named[0] : ""}"]`).textContent = answer.error;
  };
  return { onEvent: type => type === "open" || type === "agent" ? loadClasses() : null };
}

function route() {
  if (current && current.dispose) current.dispose();
  const [, name, id] = location.hash.split("/");
  page.replaceChildren();
  current = name === "run" && id ? runPage(id) : name === "fleet" ? fleetPage() : name === "new" ? newRunPage()
    : runsPage();
}

document.getElementById("token").value = Api.token();
document.getElementById("auth").onsubmit = ev => {
  ev.preventDefault();
  Api.setToken(document.getElementById("token").value.trim());
  location.reload(); // the event stream reconnects with the new token
};
document.getElementById("forget").onclick = () => {
  Api.setToken("");
  location.reload();
};
window.addEventListener("hashchange", route);
route();
Api.follow((type, data) => current && current.onEvent && current.onEvent(type, data), on => {
  const live = document.getElementById("live");
  live.textContent = on ? "live" : "offline";
  live.className = on ? "online" : "muted";
});
