#!/usr/bin/env python3
"""Benchmark: sheath ui's graph page at N resources, in headless Chromium.

For each N (default 1000 and 5000) generates two working directories of N
`terraform_data` resources in chains of depth 10, each with a state holding
every one of them:

- flat: all N in the root module (the page draws all N boxes: no module to
  collapse);
- modules: ten module calls of N/10 resources each (above the page's
  threshold the modules start collapsed, so the first render draws ten boxes).

Then, with the server on 127.0.0.1 in this process and Debian's chromium
driven by Playwright, K times each: the time from navigation to the page's
ready mark (the API request, the layout and the SVG drawn) -- the time to first
render, and of it the page's own time to lay out and draw the graph (its
drawMs mark); the time to select a node (its /api/resource round trip and the
details drawn); the time to expand every module (modules variant); and the
server's time to answer /api/graph alone. Prints the median (min-max) of each.

Usage:
    python benchmarks/ui_graph.py [--resources 1000 5000] [--repeat K]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

CHAIN = 10
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def resources_tf(n: int, prefix: str = "") -> str:
    out = []
    for i in range(n):
        ref = f"terraform_data.r{i - 1}.output" if i % CHAIN else f'"{prefix}{i}"'
        out.append(f'resource "terraform_data" "r{i}" {{\n  input = {ref}\n}}\n')
    return "\n".join(out)


def instance(module: str, i: int) -> dict[str, Any]:
    res: dict[str, Any] = {
        "mode": "managed",
        "type": "terraform_data",
        "name": f"r{i}",
        "provider": 'provider["terraform.io/builtin/terraform"]',
        "instances": [
            {
                "schema_version": 0,
                "attributes": {"id": f"id-{module}-{i}", "input": {"value": "v", "type": "string"}, "output": {"value": "v", "type": "string"}, "triggers_replace": None},
                "sensitive_attributes": [],
            }
        ],
    }
    if module:
        res["module"] = module
    return res


def write_state(root: Path, resources: list[dict[str, Any]]) -> None:
    state = {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "bench", "outputs": {}, "resources": resources, "check_results": None}
    (root / "terraform.tfstate").write_text(json.dumps(state))


def make_flat(root: Path, n: int) -> None:
    root.mkdir(parents=True)
    (root / "main.tf").write_text(resources_tf(n))
    write_state(root, [instance("", i) for i in range(n)])


def make_modules(root: Path, n: int) -> None:
    root.mkdir(parents=True)
    calls, resources = [], []
    for m in range(10):
        d = root / f"m{m}"
        d.mkdir()
        (d / "main.tf").write_text(resources_tf(n // 10, f"m{m}-"))
        calls.append(f'module "m{m}" {{\n  source = "./m{m}"\n}}\n')
        resources += [instance(f"module.m{m}", i) for i in range(n // 10)]
    (root / "main.tf").write_text("\n".join(calls))
    write_state(root, resources)


def summary(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} s ({min(xs):.2f}-{max(xs):.2f})"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--repeat", type=int, default=3)
    opts = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from sheath.ui.server import make_server

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for n in opts.resources:
            for variant, make in (("flat", make_flat), ("modules", make_modules)):
                root = Path(tmp) / f"{variant}{n}"
                make(root, n)
                srv, bad = make_server(str(root), "127.0.0.1", 0)
                assert srv is not None, bad
                threading.Thread(target=srv.serve_forever, daemon=True).start()
                url = f"http://127.0.0.1:{srv.server_address[1]}"
                api, first, draw, select, expand = [], [], [], [], []
                for _ in range(opts.repeat):
                    t = time.perf_counter()
                    with urllib.request.urlopen(url + "/api/graph", timeout=600) as r:
                        nodes = len(json.loads(r.read())["nodes"])
                    api.append(time.perf_counter() - t)
                    page = browser.new_page(viewport={"width": 1400, "height": 900})
                    t = time.perf_counter()
                    page.goto(url + "/")
                    page.wait_for_selector("body[data-ready=true]", timeout=600000)
                    first.append(time.perf_counter() - t)
                    draw.append(int(page.evaluate("document.body.dataset.drawMs")) / 1000)
                    shown = page.locator("#nodes .node").count()
                    target = "terraform_data.r5" if variant == "flat" else "module.m3"
                    t = time.perf_counter()
                    page.click(f'#nodes .node[data-address="{target}"]')
                    page.wait_for_selector(f'#details h2:text-is("{target}")', timeout=600000)
                    select.append(time.perf_counter() - t)
                    if variant == "modules":
                        t = time.perf_counter()
                        page.click("#expand-all")
                        page.wait_for_selector(f'#nodes .node[data-address="module.m9.terraform_data.r{n // 10 - 1}"]', timeout=600000)
                        expand.append(time.perf_counter() - t)
                    page.close()
                srv.shutdown()
                srv.server_close()
                line = f"N={n} {variant}: {nodes} nodes, {shown} drawn first; /api/graph {summary(api)}; first render {summary(first)} (of which drawing {summary(draw)}); select {summary(select)}"
                if expand:
                    line += f"; expand all {summary(expand)}"
                print(line, flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
