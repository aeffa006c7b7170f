"use strict";
// ECharts options from the API's JSON: pure functions (data in, option out), shared by the dashboard and report.html.
const SqCharts = (() => {
  const base = title => ({
    animation: false,
    title: { text: title, left: 8, top: 6, textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis" },
    legend: { top: 28 },
    grid: { top: 70, left: 60, right: 60, bottom: 40, containLabel: true }
  });
  // labels without the leading slash and the operator's own name: "/layer1/conv1/Conv" is "layer1/conv1"
  const layerLabel = { rotate: 30, fontSize: 10, formatter: n => n.replace(/^\//, "").replace(/\/[A-Za-z]+$/, "") };
  // report.json and benchmark.json write an unknown corrected latency as "NaN": then the median as measured
  const measured = it => typeof it.correctedMs === "number" ? it.correctedMs : it.measuredMs;

  /** Predicted vs measured (drift-corrected) latency per iteration, its 95 % interval and the latency budget. */
  function convergence(run, iterations) {
    const o = base("Convergence: latency per iteration");
    const budget = run.budgets && run.budgets.latency;
    const low = iterations.map(it => it.ciLowMs);
    o.legend.data = ["predicted", "measured", "95 % interval"];
    o.xAxis = { type: "category", name: "iteration", data: iterations.map(it => String(it.index)) };
    o.yAxis = { type: "value", name: "ms", scale: true };
    o.series = [
      // the interval as a band: an invisible lower edge with its width stacked on it
      { name: "interval low", type: "line", stack: "ci", symbol: "none", lineStyle: { opacity: 0 }, data: low },
      { name: "95 % interval", type: "line", stack: "ci", symbol: "none", lineStyle: { opacity: 0 },
        areaStyle: { color: "#5470c6", opacity: 0.2 },
        data: iterations.map(it => it.ciLowMs == null || it.ciHighMs == null ? null : it.ciHighMs - it.ciLowMs) },
      { name: "predicted", type: "line", data: iterations.map(it => it.predictedMs) },
      { name: "measured", type: "line", data: iterations.map(measured),
        markLine: budget ? { symbol: "none", data: [{ yAxis: budget, name: "budget" }],
          label: { formatter: "budget {c} ms" }, lineStyle: { color: "#b42318" } } : undefined }
    ];
    if (budget) { // the budget line in sight, with the data
      o.yAxis.min = v => Math.min(v.min, budget);
      o.yAxis.max = v => Math.max(v.max, budget);
    }
    if (iterations.some(it => typeof it.measuredEnergyMj === "number")) withEnergy(o, run, iterations);
    return o;
  }

  /**
   * The agents' energy per inference on a second axis, with the energy budget. Measured only: the loop records
   * no predicted energy per iteration. A simulated agent's energy is its cost model's estimate.
   */
  function withEnergy(o, run, iterations) {
    const budget = run.budgets && run.budgets.energy;
    o.title.text = "Convergence: latency and energy per iteration";
    o.legend.data.push("measured energy");
    o.yAxis = [o.yAxis, { type: "value", name: "mJ", scale: true, position: "right" }];
    o.series.push({ name: "measured energy", type: "line", yAxisIndex: 1, lineStyle: { type: "dashed" },
      data: iterations.map(it => typeof it.measuredEnergyMj === "number" ? it.measuredEnergyMj : null),
      markLine: budget ? { symbol: "none", data: [{ yAxis: budget, name: "energy budget" }],
        label: { formatter: "budget {c} mJ" }, lineStyle: { color: "#b42318", type: "dashed" } } : undefined });
    if (budget) {
      o.yAxis[1].min = v => Math.min(v.min, budget);
      o.yAxis[1].max = v => Math.max(v.max, budget);
    }
  }

  /** The bits of a configuration per layer, beside each layer's σ and its KL sensitivity at those bits. */
  function bits(layers, chosen, title) {
    const o = base(title);
    const names = layers && layers.length ? layers.map(l => l.name) : Object.keys(chosen);
    const byName = Object.fromEntries((layers || []).map(l => [l.name, l]));
    const kl = n => {
      const l = byName[n];
      return l && l.kl[String(chosen[n])] !== undefined ? l.kl[String(chosen[n])] : null;
    };
    o.xAxis = { type: "category", data: names, axisLabel: layerLabel };
    o.yAxis = [{ type: "value", name: "bits", min: 0, max: 32, interval: 8 },
      { type: "value", name: "σ", position: "right" },
      { type: "value", name: "KL", position: "right", offset: 50 }];
    o.grid.right = 110;
    o.series = [{ name: "bits", type: "bar", data: names.map(n => chosen[n] == null ? null : chosen[n]) }];
    if (layers && layers.length) {
      o.series.push({ name: "σ", type: "line", yAxisIndex: 1, data: names.map(n => byName[n].sigma) },
        { name: "KL at these bits", type: "line", yAxisIndex: 2, data: names.map(kl) });
    }
    return o;
  }

  /**
   * Measured against predicted latency with the ±5 % and ±10 % bands around a perfect prediction; held-out
   * configurations (benchmark.json's heldOut: measured after the run, never fitted on) marked apart.
   */
  function calibration(iterations, heldOut = []) {
    const o = base("Calibration: measured vs predicted");
    const points = iterations.map(it => [it.predictedMs, measured(it)]);
    const held = heldOut.map(it => [it.predictedMs, measured(it)]);
    const top = Math.max(0.001, ...points.flat(), ...held.flat()) * 1.1;
    const ray = (k, name, type) => ({ name, type: "line", symbol: "none", silent: true,
      lineStyle: { type, width: 1, color: "#999" }, data: [[0, 0], [top, top * k]] });
    o.tooltip = { trigger: "item", formatter: p => p.seriesName + ": " + p.value.map(v => v.toFixed(4)).join(" → ") };
    o.xAxis = { type: "value", name: "predicted ms", nameLocation: "middle", nameGap: 25, min: 0 };
    o.yAxis = { type: "value", name: "measured ms", min: 0 };
    o.legend.data = ["calibration", "loop", "held out"];
    o.series = [
      { name: "calibration", type: "scatter", data: points.filter((p, i) => iterations[i].kind === "calibration") },
      { name: "loop", type: "scatter", data: points.filter((p, i) => iterations[i].kind !== "calibration") },
      { name: "held out", type: "scatter", symbol: "diamond", symbolSize: 11, data: held },
      ray(1, "exact", "solid"), ray(1.05, "+5 %", "dashed"), ray(0.95, "−5 %", "dashed"),
      ray(1.1, "+10 %", "dotted"), ray(0.9, "−10 %", "dotted")
    ];
    return o;
  }

  /** profile.json's float and last-iteration sides that have data, each with its label. */
  const profileSides = (p, hasData) => [["float", p && p.floatModel], ["last", p && p.candidate]]
    .filter(([, s]) => s && hasData(s))
    .map(([who, s]) => ({ label: (who === "float" ? "float" : s.kind) + " (iteration " + s.iteration + ")", ...s }));

  /**
   * Kernel time on the board per operator kind (profile.json), the float model beside the last iteration, as
   * stacked horizontal bars; without a profile the title says why nothing is drawn.
   */
  function profile(p) {
    const o = base("Time on the board by operator kind");
    const sides = profileSides(p, s => s.nodes > 0);
    if (!sides.length) {
      o.title.subtext = p && (p.floatModel || p.candidate) ? "the agent returned no per-node profile"
        : "no profile yet: it comes with the run's first measurement";
      return o;
    }
    const ops = [];
    sides.forEach(s => Object.keys(s.msByOp).forEach(op => ops.includes(op) || ops.push(op)));
    if (sides.some(s => s.simulated)) { // a simulated agent profiles layers by the runtime format of its cost model
      o.title.subtext = "simulated agent: per-layer time from its cost model, by runtime format";
    }
    o.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
    o.legend = { top: 44, type: "scroll" };
    o.grid.top = 80;
    o.xAxis = { type: "value", name: "ms (one profiled run)", nameLocation: "middle", nameGap: 25 };
    o.yAxis = { type: "category", data: sides.map(s => s.label), inverse: true };
    o.series = ops.map(op => ({ name: op, type: "bar", stack: "time",
      data: sides.map(s => s.msByOp[op] == null ? 0 : s.msByOp[op]) }));
    return o;
  }

  /**
   * Kernel time charged to each layer (profile.json's msByLayer), the float model beside the last iteration, in
   * the model's order, and what no layer accounts for (reorders, Q/DQ) as its own bar.
   */
  function layerTimes(p, layers) {
    const o = base("Time per layer on the board");
    const sides = profileSides(p, s => s.msByLayer && Object.keys(s.msByLayer).length > 0);
    if (!sides.length) {
      o.title.subtext = "no node times charged to layers yet";
      return o;
    }
    const names = layers && layers.length ? layers.map(l => l.name)
      : [...new Set(sides.flatMap(s => Object.keys(s.msByLayer)))];
    o.xAxis = { type: "category", data: [...names, "(no layer)"], axisLabel: layerLabel };
    o.yAxis = { type: "value", name: "ms (one profiled run)" };
    o.series = sides.map(s => ({ name: s.label, type: "bar",
      data: [...names.map(n => s.msByLayer[n] == null ? 0 : s.msByLayer[n]), s.otherMs == null ? 0 : s.otherMs] }));
    return o;
  }

  /**
   * tradeoff.json: top-1 against packed size per method, one point per size level, and the run's chosen bits.
   * A method with no allocation at a level (NaN, written "NaN") leaves a gap.
   */
  function tradeoff(front) {
    const o = base("Accuracy–size front");
    if (!front) {
      o.title.subtext = "for a run with labelled evaluation images, once it has ended";
      return o;
    }
    const kib = m => typeof m.bytes === "number" && typeof m.top1 === "number" ? [m.bytes / 1024, m.top1] : null;
    const methods = { uniform: "uniform", paper: "sigmaquant-paper", sigmaquant: "sigmaquant", exact: "exact (CP-SAT)" };
    o.title.subtext = "top-1 of weight-quantized models on " + front.samples + " images; FP32 "
      + front.fp32Top1.toFixed(2) + " %";
    o.tooltip = { trigger: "item" };
    o.xAxis = { type: "value", name: "packed size (KiB)", scale: true };
    o.yAxis = { type: "value", name: "top-1 (%)", scale: true };
    o.series = Object.keys(methods).map(k => ({ name: methods[k], type: "line",
      data: front.points.map(p => kib(p[k])) }));
    if (front.chosen) {
      o.series.push({ name: "chosen", type: "scatter", symbolSize: 14, symbol: "diamond",
        data: [kib(front.chosen)] });
    }
    return o;
  }

  return { convergence, bits, calibration, profile, layerTimes, tradeoff };
})();
