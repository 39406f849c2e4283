// sheath ui: the page over /api/. Plain JavaScript, no dependencies: a layered layout of
// the dependency graph in SVG (dependencies to the left of what depends on them), zoom and
// pan, search by address, modules collapsed by default above COLLAPSE_THRESHOLD nodes.
"use strict";
(function () {
  const COLLAPSE_THRESHOLD = 150;
  const FAR_ZOOM = 0.4;
  const NODE_W = 230, NODE_H = 38, GAP_X = 90, GAP_Y = 14;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);

  const model = { nodes: new Map(), edges: [], expanded: new Set(), selected: null, positions: new Map(), actions: {}, drift: {}, plan: null };
  const view = { x: 20, y: 20, k: 1 };

  function el(tag, attrs, text) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function h(tag, props, children) {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const c of children || []) e.append(c);
    return e;
  }
  async function getJSON(url) {
    const r = await fetch(url);
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  }
  function showDiagnostics(diags) {
    const box = $("diagnostics");
    const errs = (diags || []).filter((d) => d.severity === "error");
    box.hidden = errs.length === 0;
    box.textContent = errs.map((d) => d.summary + (d.detail ? ": " + d.detail : "") +
      (d.range ? " (" + d.range.filename + ":" + d.range.line + ")" : "")).join("\n");
  }

  // ---------------------------------------------------------------- collapse
  function moduleChain(addr) {
    // the enclosing modules of a node, outermost first
    const out = [];
    let m = model.nodes.get(addr) ? model.nodes.get(addr).module : "";
    while (m) { out.unshift(m); const n = model.nodes.get(m); m = n ? n.module : ""; }
    return out;
  }
  function visibleOf(addr) {
    for (const m of moduleChain(addr)) if (!model.expanded.has(m)) return m;
    return addr;
  }
  function expandTo(addr) { for (const m of moduleChain(addr)) model.expanded.add(m); }

  // ---------------------------------------------------------------- layout
  function layout() {
    const visible = [...model.nodes.keys()].filter((a) => visibleOf(a) === a).sort();
    const deps = new Map(visible.map((a) => [a, new Set()]));
    const edges = new Map();
    for (const e of model.edges) {
      const a = visibleOf(e.from), b = visibleOf(e.to);
      if (a === b) continue;
      deps.get(a).add(b);
      edges.set(a + "\u0000" + b, { from: a, to: b, contains: false });
    }
    for (const a of visible) {
      const n = model.nodes.get(a);
      if (n.module && model.expanded.has(n.module) && deps.has(n.module))
        edges.set(n.module + "\u0000" + a + "\u0001", { from: n.module, to: a, contains: true });
    }
    // longest-path layering; an edge back into the current path (possible once modules collapse) is ignored
    const layer = new Map(), state = new Map();
    function visit(a) {
      if (state.get(a) === 2) return layer.get(a);
      if (state.get(a) === 1) return -1;
      state.set(a, 1);
      let l = 0;
      for (const d of deps.get(a)) l = Math.max(l, visit(d) + 1);
      const n = model.nodes.get(a);
      if (n.module && model.expanded.has(n.module) && deps.has(n.module)) l = Math.max(l, visit(n.module) + 1);
      state.set(a, 2); layer.set(a, l);
      return l;
    }
    visible.forEach(visit);
    const layers = [];
    for (const a of visible) (layers[layer.get(a)] = layers[layer.get(a)] || []).push(a);
    // two barycentre sweeps to shorten edges
    const index = new Map();
    layers.forEach((ls) => ls.forEach((a, i) => index.set(a, i)));
    const neighbours = new Map(visible.map((a) => [a, []]));
    for (const e of edges.values()) { neighbours.get(e.from).push(e.to); neighbours.get(e.to).push(e.from); }
    for (let sweep = 0; sweep < 2; sweep++) {
      for (const ls of layers) {
        if (!ls) continue;
        const bary = new Map(ls.map((a) => {
          const ns = neighbours.get(a);
          return [a, ns.length ? ns.reduce((s, b) => s + index.get(b), 0) / ns.length : index.get(a)];
        }));
        ls.sort((p, q) => bary.get(p) - bary.get(q) || (p < q ? -1 : 1));
        ls.forEach((a, i) => index.set(a, i));
      }
    }
    model.positions = new Map();
    layers.forEach((ls, l) => (ls || []).forEach((a, i) =>
      model.positions.set(a, { x: l * (NODE_W + GAP_X), y: i * (NODE_H + GAP_Y) })));
    return [...edges.values()];
  }

  // ---------------------------------------------------------------- drawing
  function label(n) {
    if (n.kind === "module") return "module." + n.name;
    return (n.kind === "data" ? "data." : n.kind === "ephemeral" ? "ephemeral." : "") + n.type + "." + n.name;
  }
  function clip(s, max) { return s.length > max ? s.slice(0, max - 1) + "\u2026" : s; }

  function draw() {
    const edges = layout();
    const gEdges = $("edges"), gNodes = $("nodes");
    gEdges.replaceChildren(); gNodes.replaceChildren();
    for (const e of edges) {
      const a = model.positions.get(e.from), b = model.positions.get(e.to);
      let d;
      if (e.contains) {
        d = `M${a.x + NODE_W} ${a.y + NODE_H / 2} C${a.x + NODE_W + GAP_X / 2} ${a.y + NODE_H / 2} ${b.x - GAP_X / 2} ${b.y + NODE_H / 2} ${b.x} ${b.y + NODE_H / 2}`;
      } else {
        // from the dependent (right) to its dependency (left)
        d = `M${a.x} ${a.y + NODE_H / 2} C${a.x - GAP_X / 2} ${a.y + NODE_H / 2} ${b.x + NODE_W + GAP_X / 2} ${b.y + NODE_H / 2} ${b.x + NODE_W} ${b.y + NODE_H / 2}`;
      }
      const p = el("path", { d, class: "edge" + (e.contains ? " contains" : ""), "marker-end": e.contains ? "" : "url(#arrow)" });
      p.dataset.from = e.from; p.dataset.to = e.to;
      gEdges.append(p);
    }
    for (const [addr, pos] of model.positions) {
      const n = model.nodes.get(addr);
      const collapsed = n.kind === "module" && !model.expanded.has(addr);
      const act = model.actions[addr];
      const drifted = model.drift[addr] || (n.kind === "module" && !model.expanded.has(addr) &&
        Object.keys(model.drift).some((d) => d.startsWith(addr + ".")));
      const g = el("g", { class: `node k-${n.kind}` + (collapsed ? " collapsed" : "") + (act ? " a-" + act : "") + (drifted ? " drifted" : ""), transform: `translate(${pos.x},${pos.y})`, tabindex: "0" });
      g.dataset.address = addr;
      if (act) g.dataset.action = act;
      if (drifted) g.dataset.drift = model.drift[addr] || "inside";
      g.append(el("title", {}, addr + (act ? " (plan: " + act + ")" : "")));
      g.append(el("rect", { width: NODE_W, height: NODE_H }));
      g.append(el("text", { x: 8, y: 16 }, clip(label(n), 34)));
      const sub = n.kind === "module"
        ? (collapsed ? "collapsed \u2022 double-click to expand" : "expanded \u2022 double-click to collapse")
        : (n.module ? clip(n.module, 40) : n.file + ":" + n.line);
      g.append(el("text", { x: 8, y: 30, class: "sub" }, sub));
      g.addEventListener("click", (ev) => { ev.stopPropagation(); select(addr); });
      g.addEventListener("dblclick", (ev) => { ev.stopPropagation(); if (n.kind === "module") toggle(addr); });
      g.addEventListener("keydown", (ev) => { if (ev.key === "Enter") select(addr); });
      gNodes.append(g);
    }
    applyHighlights();
    $("summary").textContent = `${model.nodes.size} objects, ${model.positions.size} shown`;
  }

  function toggle(addr) {
    if (model.expanded.has(addr)) {
      for (const a of [...model.expanded]) if (a === addr || a.startsWith(addr + ".")) model.expanded.delete(a);
    } else model.expanded.add(addr);
    draw();
  }

  function applyHighlights() {
    const q = $("search").value.trim().toLowerCase();
    const sel = model.selected ? visibleOf(model.selected) : null;
    // a box matches when its address, or the address of anything collapsed into it, contains q
    const hits = new Set();
    if (q !== "") for (const x of model.nodes.keys()) if (x.toLowerCase().includes(q)) hits.add(visibleOf(x));
    for (const g of $("nodes").children) {
      const a = g.dataset.address;
      const hit = hits.has(a);
      g.classList.toggle("match", hit);
      g.classList.toggle("dim", q !== "" && !hit);
      g.classList.toggle("selected", a === sel);
    }
    for (const p of $("edges").children) {
      p.classList.toggle("hl", sel !== null && (p.dataset.from === sel || p.dataset.to === sel));
      p.classList.toggle("dim", q !== "");
    }
  }

  // ---------------------------------------------------------------- zoom and pan
  function applyView() {
    $("viewport").setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);
    // too small to read: labels are not laid out at all, which keeps thousands of boxes fast
    $("graph").classList.toggle("far", view.k < FAR_ZOOM);
  }
  function zoomAt(factor, cx, cy) {
    const k = Math.min(4, Math.max(0.05, view.k * factor));
    view.x = cx - (cx - view.x) * (k / view.k); view.y = cy - (cy - view.y) * (k / view.k); view.k = k;
    applyView();
  }
  function fit(measured) {
    const svg = $("graph"), box = measured && measured.width ? measured : svg.getBoundingClientRect();
    let w = 0, hgt = 0;
    for (const p of model.positions.values()) { w = Math.max(w, p.x + NODE_W); hgt = Math.max(hgt, p.y + NODE_H); }
    if (!w || !box.width) return;
    view.k = Math.min(1.5, (box.width - 40) / w, (box.height - 40) / hgt);
    view.x = (box.width - w * view.k) / 2; view.y = 20;
    applyView();
  }
  function centerOn(addr) {
    const p = model.positions.get(addr); if (!p) return;
    const box = $("graph").getBoundingClientRect();
    view.k = Math.max(view.k, 0.8);
    view.x = box.width / 2 - (p.x + NODE_W / 2) * view.k; view.y = box.height / 2 - (p.y + NODE_H / 2) * view.k;
    applyView();
  }
  function setupPanZoom() {
    const svg = $("graph");
    svg.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const r = svg.getBoundingClientRect();
      zoomAt(ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.clientX - r.left, ev.clientY - r.top);
    }, { passive: false });
    let drag = null;
    svg.addEventListener("pointerdown", (ev) => {
      if (ev.target.closest(".node")) return;
      drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y };
      svg.classList.add("panning"); svg.setPointerCapture(ev.pointerId);
    });
    svg.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      view.x = drag.vx + ev.clientX - drag.x; view.y = drag.vy + ev.clientY - drag.y; applyView();
    });
    svg.addEventListener("pointerup", () => { drag = null; svg.classList.remove("panning"); });
    const mid = () => { const r = svg.getBoundingClientRect(); return [r.width / 2, r.height / 2]; };
    $("zoom-in").onclick = () => zoomAt(1.25, ...mid());
    $("zoom-out").onclick = () => zoomAt(1 / 1.25, ...mid());
    $("fit").onclick = fit;
  }

  // ---------------------------------------------------------------- details
  function valueCell(v, path, sensitivePaths) {
    const td = h("td");
    if (v === "(sensitive value)" && sensitivePaths.some((p) => p.join(".") === path)) {
      td.append(h("span", { className: "sensitive", textContent: "(sensitive value)" }));
    } else td.textContent = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v, null, 1);
    return td;
  }
  function attrTable(inst) {
    const t = h("table", { className: "attrs" });
    for (const [k, v] of Object.entries(inst.attributes)) {
      const tr = h("tr", {}, [h("td", { textContent: k }), valueCell(v, k, inst.sensitive_paths)]);
      tr.dataset.attribute = k;
      t.append(tr);
    }
    return t;
  }
  function addrList(addrs) {
    if (!addrs.length) return h("p", { className: "muted", textContent: "none" });
    return h("ul", {}, addrs.map((a) => h("li", {}, [h("a", { textContent: a, onclick: () => select(a) })])));
  }
  async function select(addr) {
    model.selected = addr;
    if (model.nodes.has(addr) && visibleOf(addr) !== addr) { expandTo(addr); draw(); }
    applyHighlights();
    const body = $("details-body");
    $("details").hidden = false;
    body.replaceChildren(h("p", { className: "muted", textContent: "Loading\u2026" }));
    let doc;
    try { doc = await getJSON("/api/resource?address=" + encodeURIComponent(addr)); }
    catch (err) { body.replaceChildren(h("p", { textContent: String(err.message || err) })); return; }
    if (model.selected !== addr) return;
    const parts = [h("h2", { textContent: doc.address })];
    if (doc.kind) parts.push(h("p", { className: "muted", textContent: doc.kind === "module" ? "module call" : `${doc.kind} of type ${doc.type}` }));
    if (doc.file) parts.push(h("p", { className: "source", textContent: `${doc.file}:${doc.line}` }));
    if (doc.kind === "module") {
      parts.push(h("button", { type: "button", textContent: model.expanded.has(doc.config_address) ? "Collapse module" : "Expand module",
        onclick: () => { toggle(doc.config_address); select(addr); } }));
      parts.push(h("h3", { textContent: "Contains" }), addrList(doc.children));
    }
    parts.push(h("h3", { textContent: "Depends on" }), addrList(doc.dependencies));
    parts.push(h("h3", { textContent: "Dependents" }), addrList(doc.dependents));
    const planned = model.plan ? model.plan.changes.filter((c) => c.config_address === doc.config_address || c.address === doc.address) : [];
    if (planned.length) {
      parts.push(h("h3", { textContent: "Planned (" + (model.plan.source.kind === "file" ? model.plan.source.name : "plan made " + model.plan.source.made) + ")" }));
      for (const c of planned) parts.push(h("pre", { className: "diff planned", textContent: c.diff }));
    }
    if (doc.kind !== "module") {
      if (!doc.instances.length) parts.push(h("h3", { textContent: "Attributes" }), h("p", { className: "muted", textContent: "Not in the state." }));
      for (const inst of doc.instances) {
        parts.push(h("h3", { textContent: "Attributes of " + inst.address + (inst.deposed_key ? " (deposed " + inst.deposed_key + ")" : "") + (inst.tainted ? " (tainted)" : "") }));
        parts.push(attrTable(inst));
      }
    }
    body.replaceChildren(...parts);
  }

  // ---------------------------------------------------------------- state view
  async function loadState() {
    const doc = await getJSON("/api/state");
    const tbody = $("state-table").querySelector("tbody");
    tbody.replaceChildren();
    if (!doc.resources.length) tbody.append(h("tr", {}, [h("td", { colSpan: 4, className: "muted", textContent: doc.exists ? "The state has no resources." : "No state yet." })]));
    for (const r of doc.resources) {
      const tr = h("tr", {}, [h("td", { textContent: r.address }), h("td", { textContent: r.type }),
        h("td", { textContent: r.provider }), h("td", { textContent: String(r.instances.length) })]);
      tr.onclick = () => select(r.instances.length === 1 ? r.instances[0].address : r.address);
      tbody.append(tr);
    }
    const out = $("outputs-table").querySelector("tbody");
    out.replaceChildren();
    for (const [name, o] of Object.entries(doc.outputs)) {
      const td = h("td", { textContent: o.sensitive ? "(sensitive value)" : JSON.stringify(o.value) });
      if (o.sensitive) td.className = "sensitive";
      out.append(h("tr", {}, [h("td", { textContent: name }), td]));
    }
  }

  // ---------------------------------------------------------------- plan view
  function diagList(diags) {
    return (diags || []).map((d) => h("div", { className: "diag-" + d.severity,
      textContent: d.summary + (d.detail ? ": " + d.detail : "") + (d.range ? " (" + d.range.filename + ":" + d.range.line + ")" : "") }));
  }
  function setActions(actions) {
    model.actions = actions || {};
    $("action-legend").hidden = Object.keys(model.actions).length === 0;
    if (model.positions.size) draw();
  }
  async function showSource(file, line) {
    $("details").hidden = false;
    const body = $("details-body");
    let doc;
    try { doc = await getJSON("/api/source?file=" + encodeURIComponent(file)); }
    catch (err) { body.replaceChildren(h("p", { textContent: String(err.message || err) })); return; }
    const pre = h("pre", { className: "source" });
    doc.lines.forEach((text, i) => {
      const span = h("span", { textContent: String(i + 1).padStart(4) + "  " + text + "\n" });
      if (i + 1 === line) { span.className = "hl"; span.id = "source-line"; }
      pre.append(span);
    });
    body.replaceChildren(h("h2", { textContent: `${file}:${line}` }), pre);
    const hl = $("source-line"); if (hl) hl.scrollIntoView({ block: "center" });
  }
  function renderPlan(doc) {
    $("plan-diagnostics").replaceChildren(...diagList(doc.diagnostics));
    const s = doc.summary;
    const src = doc.source.kind === "file" ? "saved plan " + doc.source.name : "plan made " + doc.source.made;
    $("plan-summary").textContent = !s ? src + ": planning failed." :
      `${src}: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy` +
      (s.import ? `, ${s.import} to import` : "") + (s.move ? `, ${s.move} to move` : "") + "." +
      (doc.errored ? " Planning failed part way." : "") + (!doc.groups.length ? " No changes." : "");
    const byAddr = new Map(doc.changes.map((c) => [c.address + (c.deposed ? " (deposed " + c.deposed + ")" : ""), c]));
    const groups = [];
    for (const g of doc.groups) {
      const items = g.addresses.map((a) => {
        const c = byAddr.get(a);
        const first = g.key === "replace" && c.comment.length ? c.comment[0].replace(c.address, "").trim() + " " : "";
        const reason = first + c.comment.slice(1).join(" ") + (g.key === "move" ? " (from " + c.previous_address + ")" : "") +
          (g.key === "import" && c.importing_id ? " (id " + c.importing_id + ")" : "");
        const d = h("details", { className: "change a-" + c.action }, [
          h("summary", {}, [h("span", { textContent: a }), h("span", { className: "reason", textContent: reason ? " \u2014 " + reason : "" })]),
          h("pre", { className: "diff", textContent: c.diff })]);
        d.dataset.address = c.address; d.dataset.group = g.key;
        return d;
      });
      const sec = h("section", { className: "group" }, [h("h3", { textContent: `${g.title} (${g.addresses.length})` }), ...items]);
      sec.dataset.group = g.key;
      groups.push(sec);
    }
    $("plan-groups").replaceChildren(...groups);
    $("plan-outputs").replaceChildren(...(doc.outputs_text ? [h("h3", { textContent: "Output changes" }), h("pre", { className: "diff", textContent: doc.outputs_text })] : []));
    const pol = doc.policy;
    const tbody = $("policy-table").querySelector("tbody");
    tbody.replaceChildren();
    if (!pol || !pol.summary) { $("policy-summary").textContent = "No policy results."; }
    else {
      const p = pol.summary;
      $("policy-summary").textContent = `${p.failed} failed (${p.mandatory_failed} mandatory), ${p.skipped} skipped, ${p.passed} passed.`;
      for (const f of pol.findings) {
        const where = f.file ? h("a", { className: "source-link", textContent: `${f.file}:${f.line}`, onclick: () => showSource(f.file, f.line) }) : h("span", { textContent: "" });
        const tr = h("tr", {}, [h("td", { textContent: f.skipped ? "skipped" : f.enforcement_level }),
          h("td", { textContent: f.checkov_id || f.rule_id }),
          h("td", {}, [h("a", { textContent: f.address, onclick: () => select(f.address) })]),
          h("td", {}, [where]), h("td", { textContent: f.skipped ? f.skipped.reason : f.title })]);
        tr.dataset.rule = f.rule_id;
        tbody.append(tr);
      }
    }
    $("plan-diagnostics").append(...diagList(pol ? pol.diagnostics : []));
    for (const [id, text] of [["plan-text", doc.text], ["plan-markdown", doc.markdown]]) {
      $(id).hidden = !text;
      $(id).querySelector("pre").textContent = text || "";
    }
    model.plan = doc;
    setActions(doc.actions);
  }
  async function loadPlanList(selected) {
    const doc = await getJSON("/api/plans");
    const sel = $("plan-source");
    const opts = doc.files.map((f) => h("option", { value: "file=" + encodeURIComponent(f.name), textContent: f.name }));
    if (doc.fresh) opts.push(h("option", { value: "fresh=1", textContent: "plan made " + doc.fresh.made }));
    sel.replaceChildren(...opts);
    if (selected) sel.value = selected;
    return opts.length;
  }
  async function loadPlan() {
    const sel = $("plan-source");
    if (!sel.value) { $("plan-summary").textContent = "No saved plan in the working directory (sheath plan -out=FILE). Press Plan to make one."; return; }
    $("plan-status").textContent = "Loading\u2026";
    try { renderPlan(await getJSON("/api/plan?" + sel.value)); }
    finally { $("plan-status").textContent = ""; }
  }
  // while an operation runs, its progress lines: the latest in the status, all in a log
  function watchProgress(url, status, log, label) {
    let stopped = false;
    async function poll() {
      if (stopped) return;
      try {
        const p = await getJSON(url);
        if (p.lines.length) status.textContent = label + "\u2026 " + p.lines[p.lines.length - 1];
        showLog(log, p.lines);
      } catch (e) { /* the next poll tries again */ }
      if (!stopped) setTimeout(poll, 300);
    }
    poll();
    return async () => { stopped = true; try { showLog(log, (await getJSON(url)).lines); } catch (e) { /* keep the last */ } };
  }
  function showLog(log, lines) {
    log.hidden = lines.length === 0;
    log.replaceChildren(h("summary", { textContent: `Progress (${lines.length} lines)` }), h("pre", { className: "diff", textContent: lines.join("\n") }));
  }
  async function runPlan() {
    $("run-plan").disabled = true;
    $("plan-status").textContent = "Planning\u2026 (refreshing and planning the working directory)";
    document.body.dataset.planning = "true";
    const done = watchProgress("/api/plan/progress", $("plan-status"), $("plan-progress"), "Planning");
    try {
      const r = await fetch("/api/plan", { method: "POST", headers: { "X-Sheath-UI": "plan" } });
      const doc = await r.json();
      if (!r.ok) throw new Error(doc.error || r.statusText);
      await loadPlanList("fresh=1");
      renderPlan(doc);
    } finally {
      await done();
      $("run-plan").disabled = false; $("plan-status").textContent = ""; document.body.dataset.planning = "false";
    }
  }

  // ---------------------------------------------------------------- history view
  function compareBox(kind, version) {
    const box = h("input", { type: "checkbox", className: "compare", value: String(version) });
    box.dataset.kind = kind;
    box.onchange = () => {
      // at most two of one kind: checking another kind starts over
      for (const b of document.querySelectorAll("input.compare")) if (b.dataset.kind !== kind) b.checked = false;
      const on = [...document.querySelectorAll(`input.compare[data-kind=${kind}]:checked`)];
      if (on.length > 2) for (const b of on) if (b !== box) { b.checked = false; break; }
    };
    return h("td", {}, [box]);
  }
  async function loadHistory() {
    const doc = await getJSON("/api/history");
    const vt = $("versions-table").querySelector("tbody");
    vt.replaceChildren();
    if (!doc.applied.length) vt.append(h("tr", {}, [h("td", { colSpan: 9, className: "muted", textContent: "No applied versions recorded (sheath records each apply beside a local state)." })]));
    for (const v of doc.applied) {
      const commit = v.git_commit ? v.git_commit.slice(0, 12) + (v.git_dirty ? "+dirty" : "") : "";
      const tr = h("tr", {}, [compareBox("applied", v.version), h("td", { textContent: String(v.version) }),
        h("td", { textContent: v.created }), h("td", { textContent: v.operation + (v.origin ? " (back to " + v.origin + ")" : "") }),
        h("td", { textContent: v.outcome }), h("td", { textContent: v.who }), h("td", { textContent: commit }),
        h("td", { textContent: v.summary }), h("td", {}, [h("code", { className: "cmd", textContent: v.rollback })])]);
      tr.dataset.version = String(v.version);
      vt.append(tr);
    }
    const st = $("states-table").querySelector("tbody");
    st.replaceChildren();
    $("history-backend").textContent = doc.backend ? doc.backend + " backend" : "backend";
    if (!doc.states.length) st.append(h("tr", {}, [h("td", { colSpan: 8, className: "muted", textContent: "The backend kept no state versions." })]));
    for (const m of doc.states) {
      const tr = h("tr", {}, [m.available ? compareBox("state", m.version) : h("td", { className: "muted", textContent: "removed" }),
        h("td", { textContent: String(m.version) }), h("td", { textContent: String(m.serial) }), h("td", { textContent: m.created }),
        h("td", { textContent: m.who }), h("td", { textContent: m.operation || "-" }),
        h("td", { textContent: m.plan_hash ? m.plan_hash.slice(0, 12) : "", title: m.plan_hash || "" }),
        h("td", { textContent: m.git_commit ? m.git_commit.slice(0, 12) : "", title: m.git_commit || "" })]);
      tr.dataset.version = String(m.version);
      st.append(tr);
    }
    $("history-diff").replaceChildren(...diagList(doc.diagnostics));
  }
  async function diffVersions() {
    const on = [...document.querySelectorAll("input.compare:checked")];
    if (on.length !== 2) { $("diff-status").textContent = "Select two applied versions, or two state versions."; return; }
    const [a, b] = on.map((x) => Number(x.value)).sort((p, q) => p - q);
    const kind = on[0].dataset.kind;
    $("diff-status").textContent = "Loading\u2026";
    const doc = await getJSON(`/api/history/diff?kind=${kind}&from=${a}&to=${b}`);
    $("diff-status").textContent = "";
    const parts = [h("h2", { textContent: `${kind === "applied" ? "Applied version" : "State version"} ${a} \u2192 ${b}` })];
    if (doc.configuration !== null) {
      parts.push(h("h3", { textContent: "Configuration" }),
        h("pre", { className: "diff config-diff", textContent: doc.configuration || "(no changes)" }));
    }
    if (doc.plans) {
      parts.push(h("h3", { textContent: "Plans applied" }));
      for (const p of doc.plans) {
        const d = h("details", { className: "plan-applied", open: true }, [
          h("summary", { textContent: p.version === null ? "plans" : `version ${p.version} \u2014 ${p.operation} ${p.summary}` }),
          h("pre", { className: "diff", textContent: p.plan })]);
        if (p.version !== null) d.dataset.version = String(p.version);
        parts.push(d);
      }
    }
    if (doc.resources !== null) {
      parts.push(h("h3", { textContent: "State" + (doc.state_versions ? ` (state versions ${doc.state_versions[0]} \u2192 ${doc.state_versions[1]})` : "") }));
      if (!doc.resources.length) parts.push(h("p", { className: "muted", textContent: "No resource changed." }));
      for (const r of doc.resources) {
        const d = h("details", { className: "change a-" + r.action, open: true }, [
          h("summary", { textContent: r.address + " \u2014 " + ({ create: "added", delete: "removed", update: "changed" }[r.action] || r.action) }),
          h("pre", { className: "diff", textContent: r.diff })]);
        d.dataset.address = r.address;
        parts.push(d);
      }
      if (doc.outputs.length) parts.push(h("h3", { textContent: "Outputs" }),
        h("ul", {}, doc.outputs.map((o) => h("li", { textContent: `${o.name}: ${({ create: "added", delete: "removed", update: "changed" })[o.action]}` }))));
    }
    parts.push(...diagList(doc.diagnostics));
    $("history-diff").replaceChildren(...parts);
  }

  // ---------------------------------------------------------------- drift view
  function driftValue(v) { return v === null || v === undefined ? "null" : JSON.stringify(v); }
  function renderDrift(doc) {
    $("drift-diagnostics").replaceChildren(...diagList(doc.diagnostics));
    const tbody = $("drift-table").querySelector("tbody");
    tbody.replaceChildren();
    if (doc.error) { $("drift-summary").textContent = `Drift check made ${doc.made} failed.`; }
    else {
      const s = doc.summary;
      $("drift-summary").textContent = doc.drifted
        ? `Checked ${doc.made}: ${s.drifted} of ${s.checked} managed resource instances changed outside of sheath.`
        : `Checked ${doc.made}: no drift in the ${s.checked} managed resource instances.`;
    }
    for (const r of doc.resources) {
      const src = r.source ? h("a", { className: "source-link", textContent: `${r.source.filename}:${r.source.line}`, onclick: () => showSource(r.source.filename, r.source.line) }) : h("span");
      const attrs = h("ul", {}, r.attributes.map((a) => {
        const li = h("li", { textContent: a.path + ": " });
        if (a.sensitive) li.append(h("span", { className: "sensitive", textContent: "(sensitive value)" }));
        else li.append(driftValue(a.before) + " \u2192 " + driftValue(a.after));
        if (a.in_configuration !== undefined) li.append(h("span", { className: "muted", textContent: a.in_configuration ? " (set by the configuration)" : " (not in the configuration)" }));
        return li;
      }));
      const tr = h("tr", {}, [h("td", {}, [h("a", { textContent: r.address, onclick: () => select(r.address) })]),
        h("td", { textContent: r.action === "delete" ? "deleted outside sheath" : "changed outside sheath" }),
        h("td", {}, [src]), h("td", {}, r.attributes.length ? [attrs] : [])]);
      tr.dataset.address = r.address;
      tbody.append(tr);
    }
    $("drift-commands").replaceChildren(...(doc.commands && doc.drifted ? [
      "Accept the drift into the state: ", h("code", { className: "cmd", textContent: doc.commands.accept }),
      "; revert the remote objects to the configuration: ", h("code", { className: "cmd", textContent: doc.commands.revert }), " (shown, not run)."] : []));
    model.drift = doc.drift || {};
    $("drift-legend").hidden = Object.keys(model.drift).length === 0;
    if (model.positions.size) draw();
  }
  async function runDrift() {
    $("run-drift").disabled = true;
    $("drift-status").textContent = "Refreshing every managed resource\u2026";
    document.body.dataset.drifting = "true";
    const done = watchProgress("/api/drift/progress", $("drift-status"), $("drift-progress"), "Refreshing");
    try {
      const r = await fetch("/api/drift", { method: "POST", headers: { "X-Sheath-UI": "drift" } });
      const doc = await r.json();
      if (!r.ok) throw new Error(doc.error || r.statusText);
      renderDrift(doc);
    } finally {
      await done();
      $("run-drift").disabled = false; $("drift-status").textContent = ""; document.body.dataset.drifting = "false";
    }
  }
  async function loadDrift() {
    const r = await fetch("/api/drift");
    if (r.ok) renderDrift(await r.json());
  }

  // ---------------------------------------------------------------- unmanaged view
  function renderUnmanaged(doc) {
    $("unmanaged-diagnostics").replaceChildren(...diagList(doc.diagnostics));
    const ut = $("unmanaged-table").querySelector("tbody"), mt = $("missing-table").querySelector("tbody");
    ut.replaceChildren(); mt.replaceChildren();
    if (doc.error) { $("unmanaged-summary").textContent = `Scan made ${doc.made} failed.`; }
    else {
      const s = doc.summary;
      $("unmanaged-summary").textContent = `Scanned ${doc.made} (${doc.regions.join(", ") || "no region"}): ` +
        `${s.total_unmanaged} unmanaged, ${s.total_managed} managed, ${s.total_missing} missing` +
        (s.total_ignored ? `, ${s.total_ignored} ignored (${doc.ignore_file})` : "") + `; coverage ${doc.coverage}%.`;
    }
    for (const r of doc.unmanaged) {
      const tr = h("tr", {}, [h("td", { textContent: r.type }), h("td", {}, [h("code", { textContent: r.id })]),
        h("td", { textContent: r.name || "" }), h("td", { textContent: r.region || "global" })]);
      tr.dataset.type = r.type; tr.dataset.id = r.id;
      ut.append(tr);
    }
    for (const m of doc.missing) {
      const tr = h("tr", {}, [h("td", {}, [h("a", { textContent: m.address, onclick: () => select(m.address.replace(/\[[^\]]*\]/g, "")) })]),
        h("td", { textContent: m.type }), h("td", {}, [h("code", { textContent: m.id })])]);
      tr.dataset.address = m.address;
      mt.append(tr);
    }
    $("unmanaged-commands").replaceChildren(...(!doc.error && (doc.unmanaged.length || doc.missing.length) ? [
      "Bring one under management: ", h("code", { className: "cmd", textContent: "sheath import ADDRESS ID" }),
      "; delete them: ", h("code", { className: "cmd", textContent: "sheath unmanaged -destroy" }), " (shown, not run)."] : []));
  }
  async function runUnmanaged() {
    $("run-unmanaged").disabled = true;
    $("unmanaged-status").textContent = "Scanning the AWS account\u2026";
    document.body.dataset.scanning = "true";
    const done = watchProgress("/api/unmanaged/progress", $("unmanaged-status"), $("unmanaged-progress"), "Scanning");
    try {
      const r = await fetch("/api/unmanaged", { method: "POST", headers: { "X-Sheath-UI": "unmanaged" } });
      const doc = await r.json();
      if (!r.ok) throw new Error(doc.error || r.statusText);
      renderUnmanaged(doc);
    } finally {
      await done();
      $("run-unmanaged").disabled = false; $("unmanaged-status").textContent = ""; document.body.dataset.scanning = "false";
    }
  }
  async function loadUnmanaged() {
    const r = await fetch("/api/unmanaged");
    if (r.ok) renderUnmanaged(await r.json());
  }

  // ---------------------------------------------------------------- cost view
  function costBars(title, rows, key) {
    const max = Math.max(0, ...rows.map((r) => Number(r.monthly_cost)));
    return h("div", { className: "chart" }, [h("h3", { textContent: title }), ...rows.map((r) => {
      const pct = max > 0 ? Math.max(0, 100 * Number(r.monthly_cost) / max) : 0;
      const fill = h("i");
      fill.style.width = pct.toFixed(1) + "%";
      const bar = h("div", { className: "bar-row" }, [h("span", { className: "bar-label", textContent: r[key] || "(root module)" }),
        h("span", { className: "bar" }, [fill]), h("span", { className: "bar-value", textContent: r.monthly })]);
      bar.dataset[key] = r[key];
      return bar;
    })]);
  }
  function componentList(r, plan) {
    return h("ul", { className: "components" }, r.components.map((c) => {
      const side = c.after || c.before;
      let cost;
      if (c.usage_pending) cost = h("span", { className: "usage", textContent: `depends on usage: $${c.after ? c.after.price : c.before.price} per ${c.unit}, not counted` });
      else if (!c.priced) cost = h("span", { className: "unpriced", textContent: "unpriced" + (c.note ? ` (${c.note})` : "") });
      else if (plan) cost = (c.before && c.before.monthly ? c.before.monthly : "$0.00") + " \u2192 " + (c.after && c.after.monthly ? c.after.monthly : "$0.00");
      else cost = side.monthly || (c.note || "unknown until apply");
      const li = h("li", {}, [c.name + ": ", cost]);
      li.dataset.component = c.name;
      if (c.usage_based) li.classList.add("usage-based");
      return li;
    }));
  }
  function renderCost(doc) {
    $("cost-diagnostics").replaceChildren(...diagList(doc.diagnostics));
    if (doc.error) { $("cost-summary").textContent = "The cost could not be estimated."; return; }
    $("cost-snapshot").textContent = doc.snapshot.line;
    const pc = doc.plan_cost;
    if (pc) $("cost-diagnostics").append(...diagList(pc.diagnostics));
    const p = pc && !pc.error ? pc.plan : null;
    const sec = p || doc.state;
    const summary = [h("span", { id: "cost-state-total", textContent: `Current state: ${doc.state.monthly} per month.` })];
    if (p) {
      const name = pc.source.kind === "file" ? `saved plan ${pc.source.name}` : `plan made ${pc.source.made}`;
      summary.push(" ", h("span", { id: "cost-plan-total", textContent: `${name}: ${p.past_monthly} \u2192 ${p.monthly} per month (${p.diff_monthly}).` }));
    }
    $("cost-summary").replaceChildren(...summary);
    $("cost-charts").replaceChildren(costBars("By resource type", sec.by_type, "type"), costBars("By module", sec.by_module, "module"));
    const head = p ? ["Resource", "Module", "Before", "After", "Difference", "Components"] : ["Resource", "Module", "Region", "Monthly", "Components"];
    $("cost-table").querySelector("thead").replaceChildren(h("tr", {}, head.map((t) => h("th", { textContent: t }))));
    const tbody = $("cost-table").querySelector("tbody");
    tbody.replaceChildren();
    for (const r of sec.resources) {
      const addr = h("a", { textContent: r.address, onclick: () => select(r.address.replace(/\[[^\]]*\]/g, "")) });
      const pending = r.usage_pending && r.change !== "delete" ? h("span", { className: "usage", textContent: " (depends on usage)" }) : "";
      const cells = p
        ? [h("td", {}, [addr, pending]), h("td", { textContent: r.module }), h("td", { className: "money before", textContent: r.before_monthly || "-" }),
           h("td", { className: "money after", textContent: r.monthly || "depends on usage" }), h("td", { className: "money diff" + (r.diff === null ? "" : Number(r.diff) > 0 ? " up" : Number(r.diff) < 0 ? " down" : ""), textContent: r.diff_monthly || "-" })]
        : [h("td", {}, [addr, pending]), h("td", { textContent: r.module }), h("td", { textContent: r.region }),
           h("td", { className: "money after", textContent: r.monthly || "depends on usage" })];
      cells.push(h("td", {}, [componentList(r, !!p)]));
      const tr = h("tr", { className: p ? "c-" + r.change : "" }, cells);
      tr.dataset.address = r.address;
      tbody.append(tr);
    }
    const notes = [];
    if (sec.unpriced.length) notes.push(h("h3", { textContent: "Unpriced (not in the total; never counted as $0)" }),
      h("ul", { id: "cost-unpriced" }, sec.unpriced.map((u) => { const li = h("li", {}, [h("code", { textContent: u.address }), ": " + u.reason]); li.dataset.address = u.address; return li; })));
    const usage = (p ? pc.usage : doc.usage) || { file: null, read: true };
    if (usage.file && usage.read) notes.push(h("p", { id: "cost-usage-file", textContent: `Usage-based components counted with the usage of ${usage.file} (the cost block of sheath-policy.hcl).` }));
    if (sec.usage_pending.length) notes.push(h("p", { id: "cost-usage", className: "usage",
      textContent: `${sec.usage_pending.length} resource(s) have usage-based components (requests, GB transferred) that are not counted: ` +
        (!usage.read ? "the usage file of the cost block of sheath-policy.hcl could not be read." : usage.file ? `no usage for them in ${usage.file}.` : "usage_file in the cost block of sheath-policy.hcl prices them.") }));
    if (sec.free.length) notes.push(h("p", { className: "muted", textContent: `${sec.free.length} resource(s) of types AWS does not charge for.` }));
    if (sec.other_providers.length) notes.push(h("p", { className: "muted", textContent: `${sec.other_providers.length} resource(s) of other providers (not priced).` }));
    $("cost-notes").replaceChildren(...notes);
  }
  async function loadCostPlans() {
    const doc = await getJSON("/api/plans");
    const sel = $("cost-plan"), keep = sel.value;
    const opts = [h("option", { value: "", textContent: "the latest plan" }), h("option", { value: "none", textContent: "none (the current state only)" }),
      ...doc.files.map((f) => h("option", { value: "file=" + f.name, textContent: f.name }))];
    if (doc.fresh) opts.push(h("option", { value: "fresh=1", textContent: "plan made " + doc.fresh.made }));
    sel.replaceChildren(...opts);
    if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
  }
  async function loadCost() {
    await loadCostPlans();
    $("cost-status").textContent = "Estimating\u2026";
    document.body.dataset.costing = "true";
    try {
      const v = $("cost-plan").value;
      renderCost(await getJSON("/api/cost" + (v ? "?plan=" + encodeURIComponent(v) : "")));
    } finally { $("cost-status").textContent = ""; document.body.dataset.costing = "false"; }
  }

  // ---------------------------------------------------------------- frame
  function showView(name) {
    for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.view === name);
    for (const s of document.querySelectorAll(".view")) s.hidden = s.id !== "view-" + name;
    const fail = (e) => showDiagnostics([{ severity: "error", summary: String(e.message || e) }]);
    if (name === "state") loadState().catch(fail);
    if (name === "plan") loadPlanList($("plan-source").value).then(loadPlan).catch(fail);
    if (name === "history") loadHistory().catch(fail);
    if (name === "drift") loadDrift().catch(fail);
    if (name === "unmanaged") loadUnmanaged().catch(fail);
    if (name === "cost") loadCost().catch(fail);
  }

  async function main() {
    for (const b of document.querySelectorAll(".tab")) b.onclick = () => showView(b.dataset.view);
    $("close-details").onclick = () => { $("details").hidden = true; model.selected = null; applyHighlights(); };
    const redraw = () => { const box = $("graph").getBoundingClientRect(); draw(); fit(box); };
    $("expand-all").onclick = () => { for (const n of model.nodes.values()) if (n.kind === "module") model.expanded.add(n.address); redraw(); };
    $("collapse-all").onclick = () => { model.expanded.clear(); redraw(); };
    $("search").addEventListener("input", applyHighlights);
    $("search").addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter") return;
      const q = $("search").value.trim().toLowerCase(); if (!q) return;
      const hit = [...model.nodes.keys()].sort().find((a) => a.toLowerCase().includes(q));
      if (hit) { select(hit); centerOn(visibleOf(hit)); }
    });
    setupPanZoom();
    $("plan-source").onchange = () => loadPlan().catch((e) => showDiagnostics([{ severity: "error", summary: String(e.message || e) }]));
    $("run-plan").onclick = () => runPlan().catch((e) => showDiagnostics([{ severity: "error", summary: String(e.message || e) }]));
    $("run-drift").onclick = () => runDrift().catch((e) => showDiagnostics([{ severity: "error", summary: String(e.message || e) }]));
    $("run-unmanaged").onclick = () => runUnmanaged().catch((e) => showDiagnostics([{ severity: "error", summary: String(e.message || e) }]));
    $("cost-plan").onchange = () => loadCost().catch((e) => showDiagnostics([{ severity: "error", summary: String(e.message || e) }]));
    $("diff-versions").onclick = () => diffVersions().catch((e) => showDiagnostics([{ severity: "error", summary: String(e.message || e) }]));
    const t0 = performance.now();
    const doc = await getJSON("/api/graph");
    const t1 = performance.now();
    showDiagnostics(doc.diagnostics);
    for (const n of doc.nodes) model.nodes.set(n.address, n);
    model.edges = doc.edges;
    if (model.nodes.size <= COLLAPSE_THRESHOLD) for (const n of doc.nodes) if (n.kind === "module") model.expanded.add(n.address);
    const box = $("graph").getBoundingClientRect();  // measured before the boxes exist: no forced layout of them
    draw();
    fit(box);
    $("graph").getBoundingClientRect();  // the layout of what was drawn, so that drawMs includes it
    // how long the API request and the drawing took (read by benchmarks/ui_graph.py)
    document.body.dataset.fetchMs = String(Math.round(t1 - t0));
    document.body.dataset.drawMs = String(Math.round(performance.now() - t1));
    // the graph is coloured by the latest plan: the newest saved plan file, when there is one
    try { if (await loadPlanList()) { model.plan = await getJSON("/api/plan?" + $("plan-source").value); setActions(model.plan.actions); } }
    catch (e) { /* no plan to colour by */ }
    document.body.dataset.ready = "true";
  }
  main().catch((e) => showDiagnostics([{ severity: "error", summary: String(e.message || e) }]));
})();
