#!/usr/bin/env python3
"""Throughput against fleet size from fleet-matrix.sh's JSONs: runs completed per minute against simulated agents
(log x axis), one line per (concurrent runs, replicas). Python's standard library only: writes the SVG by hand.

Usage: python3 docs/benchmarks/plot-fleet.py OUT [SVG]   (SVG: docs/benchmarks/fleet-throughput.svg)
"""
import glob
import json
import math
import os
import re
import sys
from xml.sax.saxutils import escape

CELL = re.compile(r"fleet-(\d+)r-(\d+)a-(\d+)m\.json$")
WIDTH, HEIGHT = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 200, 30, 60
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


def read(folder):
    """(runs, replicas) -> sorted [(agents, runs per minute)], from the cells that completed a run."""
    lines = {}
    for path in sorted(glob.glob(os.path.join(folder, "fleet-*r-*a-*m.json"))):
        m = CELL.search(os.path.basename(path))
        if not m:
            continue
        replicas, agents, runs = (int(g) for g in m.groups())
        with open(path, encoding="utf-8") as f:
            summary = json.load(f)
        per_minute = summary.get("runsPerMinute")
        if per_minute is None:
            continue  # no run ended within the cell's time limit: no point rather than a false zero
        lines.setdefault((runs, replicas), []).append((agents, float(per_minute)))
    return {k: sorted(v) for k, v in sorted(lines.items())}


def svg(lines):
    agents = [a for points in lines.values() for a, _ in points]
    lo = 10 ** math.floor(math.log10(min(agents)))
    hi = 10 ** math.ceil(math.log10(max(agents)))
    if hi == lo:
        hi = lo * 10
    top = max(v for points in lines.values() for _, v in points) * 1.1 or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(a):
        return LEFT + plot_w * (math.log10(a) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    def y(v):
        return TOP + plot_h * (1 - v / top)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{LEFT + plot_w / 2}" y="18" text-anchor="middle" font-size="14">'
           'bench-fleet: runs completed per minute</text>']
    decade = lo
    while decade <= hi:
        out.append(f'<line x1="{x(decade):.1f}" y1="{TOP}" x2="{x(decade):.1f}" y2="{TOP + plot_h}" stroke="#ddd"/>')
        out.append(f'<text x="{x(decade):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{decade:,}</text>')
        decade *= 10
    for i in range(6):
        v = top * i / 5
        out.append(f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{LEFT + plot_w}" y2="{y(v):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.1f}</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="black"/>')
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 15}" text-anchor="middle">simulated agents (log scale)'
               '</text>')
    out.append(f'<text transform="translate(18 {TOP + plot_h / 2}) rotate(-90)" text-anchor="middle">'
               'runs completed per minute</text>')
    for n, ((runs, replicas), points) in enumerate(lines.items()):
        colour = COLOURS[n % len(COLOURS)]
        dash = ' stroke-dasharray="6 3"' if replicas > 1 else ""
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(a):.1f},{y(v):.1f}" for i, (a, v) in enumerate(points))
        out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for a, v in points:
            out.append(f'<circle cx="{x(a):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}">'
                       f'<title>{escape(f"{a} agents, {runs} runs, {replicas} replica(s): {v:.2f} runs/min")}'
                       '</title></circle>')
        ly = TOP + 10 + 20 * n
        label = f"{runs} run{'s' if runs != 1 else ''}, {replicas} controller{'s' if replicas != 1 else ''}"
        out.append(f'<line x1="{WIDTH - RIGHT + 15}" y1="{ly}" x2="{WIDTH - RIGHT + 40}" y2="{ly}" '
                   f'stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{WIDTH - RIGHT + 46}" y="{ly + 4}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    target = argv[2] if len(argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                        "fleet-throughput.svg")
    lines = read(argv[1])
    if not lines:
        print(f"plot-fleet: no fleet-<R>r-<N>a-<M>m.json with a completed run in {argv[1]}", file=sys.stderr)
        return 1
    with open(target, "w", encoding="utf-8") as f:
        f.write(svg(lines))
    print(f"plot-fleet: {sum(len(p) for p in lines.values())} cells, {len(lines)} lines -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
