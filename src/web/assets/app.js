// The tend dashboard: one page fed by the /api/v1/events stream.
"use strict";
(() => {
  const HISTORY_MS = 5 * 60 * 1000;
  const MAX_LOG_LINES = 2000;
  const BACKLOG_LINES = 200;
  const RECONNECT_MS = 3000;
  const SEAM_MS = 3000;
  const DEEP = true;

  const $ = (selector, root = document) => root.querySelector(selector);
  /** name → { view, el, charts, history, log } */
  const services = new Map();
  let source = null;
  let live = false;

  // ---- formatting -------------------------------------------------------
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    const s = Math.max(0, Math.floor(seconds));
    const d = Math.floor(s / 86400);
    const h = Math.floor(s / 3600) % 24;
    const m = Math.floor(s / 60) % 60;
    if (d > 0) return `${d}d ${h}h`;
    if (h > 0) return `${h}h ${m}m`;
    if (m > 0) return `${m}m ${s % 60}s`;
    return `${s}s`;
  }

  function bytes(n) {
    if (n === null || n === undefined) return "–";
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KiB`;
    if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
    return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  }

  function lastExit(exit) {
    if (!exit) return "–";
    const how = exit.signal ? exit.signal : `code ${exit.code}`;
    return `${how} at ${new Date(exit.at).toLocaleTimeString()}`;
  }

  // ---- problems banner --------------------------------------------------
  function showProblem(text) {
    $("#problem-text").textContent = text;
    $("#problems").hidden = false;
  }

  function clearProblem() {
    $("#problems").hidden = true;
    $("#problem-text").textContent = "";
  }

  // ---- API --------------------------------------------------------------
  async function post(path, body) {
    const response = await fetch(`/api/v1/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = data && data.error ? data.error : null;
      throw new Error(
        error ? `${error.code}: ${error.message}` : `HTTP ${response.status}`,
      );
    }
    return data;
  }

  async function act(action, names, button) {
    if (button) button.disabled = true;
    try {
      if (action === "reload") {
        const diff = await post("reload", {});
        clearProblem();
        const parts = ["added", "removed", "changed"]
          .filter((k) => diff[k].length > 0)
          .map((k) => `${k}: ${diff[k].join(", ")}`);
        setConnection(
          "live",
          parts.length
            ? `reloaded (${parts.join("; ")})`
            : "reloaded: no change",
        );
        await refresh();
      } else {
        const body = action === "start" ? { names, wait: true } : { names };
        const result = await post(action, body);
        for (const r of result.results) update(r.service);
      }
    } catch (error) {
      showProblem(error.message);
    } finally {
      if (button) button.disabled = false;
    }
  }

  async function refresh() {
    const response = await fetch("/api/v1/status");
    if (response.ok) render(await response.json());
  }

  // ---- service cards ----------------------------------------------------
  function card(name) {
    let entry = services.get(name);
    if (entry) return entry;
    const el = document.importNode($("#service-template").content, DEEP)
      .firstElementChild;
    const id = `service-${name}`;
    el.dataset.service = name;
    $(".name", el).id = id;
    $(".name", el).textContent = name;
    el.setAttribute("aria-labelledby", id);
    for (const button of el.querySelectorAll("[data-action]")) {
      button.setAttribute("aria-label", `${button.textContent} ${name}`);
      button.addEventListener(
        "click",
        () => act(button.dataset.action, [name], button),
      );
    }
    entry = {
      name,
      el,
      view: null,
      history: { t: [], cpu: [], mem: [] },
      charts: null,
      log: {
        lines: [],
        loaded: false,
        early: null,
        seamUntil: 0,
        paused: false,
        pending: [],
        filter: "",
      },
    };
    wireLogs(entry);
    services.set(name, entry);
    $("#services").append(el);
    entry.charts = makeCharts(entry);
    return entry;
  }

  function update(view) {
    const entry = card(view.name);
    entry.view = { ...view, seenAt: Date.now() };
    const el = entry.el;
    el.dataset.status = view.status;
    $(".status", el).textContent = view.status;
    $(".pid", el).textContent = view.pid ?? "–";
    const port = $(".port", el);
    port.textContent = "";
    if (view.port) {
      const a = document.createElement("a");
      a.href = `http://127.0.0.1:${view.port}`;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = String(view.port);
      port.append(a);
    } else {
      port.textContent = "–";
    }
    $(".restarts", el).textContent = String(view.restarts);
    $(".last-exit", el).textContent = lastExit(view.lastExit);
    const reason = $(".reason", el);
    let why = view.reason ?? "";
    if (view.status === "backoff" && view.nextRestartAt) {
      why = `${why ? `${why}. ` : ""}Next restart at ${
        new Date(view.nextRestartAt).toLocaleTimeString()
      }`;
    }
    reason.textContent = why;
    reason.hidden = why === "";
    const live = view.status === "running" || view.status === "starting";
    $('[data-action="start"]', el).disabled = live;
    $('[data-action="stop"]', el).disabled = view.status === "stopped" ||
      view.status === "completed";
    tickUptime(entry);
    $(".cpu .value", el).textContent = view.cpuPercent === null
      ? "–"
      : `${view.cpuPercent.toFixed(1)} %`;
    $(".mem .value", el).textContent = bytes(view.rssBytes);
  }

  function tickUptime(entry) {
    const view = entry.view;
    const running = view && view.startedAt &&
      (view.status === "running" || view.status === "starting");
    $(".uptime", entry.el).textContent = running
      ? duration((Date.now() - Date.parse(view.startedAt)) / 1000)
      : "–";
  }

  function sample(entry, view, at) {
    const h = entry.history;
    h.t.push(at / 1000);
    h.cpu.push(view.cpuPercent);
    h.mem.push(view.rssBytes === null ? null : view.rssBytes / 1024 / 1024);
    while (h.t.length > 0 && h.t[0] < (at - HISTORY_MS) / 1000) {
      h.t.shift();
      h.cpu.shift();
      h.mem.shift();
    }
    if (entry.charts) {
      entry.charts.cpu.setData([h.t, h.cpu]);
      entry.charts.mem.setData([h.t, h.mem]);
    }
  }

  function makeCharts(entry) {
    if (typeof uPlot !== "function") return null;
    const style = getComputedStyle(document.documentElement);
    const make = (el, color, unit) => {
      const width = Math.max(120, el.clientWidth || 240);
      return new uPlot(
        {
          width,
          height: 60,
          legend: { show: false },
          cursor: { show: false },
          select: { show: false },
          scales: {
            x: { time: true },
            y: {
              range: (
                _u,
                _min,
                max,
              ) => [0, Math.max(max || 0, unit === "%" ? 5 : 1) * 1.1],
            },
          },
          axes: [{ show: false }, { show: false }],
          series: [{}, {
            stroke: color,
            width: 1.5,
            fill: `${color}33`,
            spanGaps: false,
            points: { show: false },
          }],
        },
        [[], []],
        el,
      );
    };
    const cpu = make(
      $(".cpu .plot", entry.el),
      style.getPropertyValue("--accent").trim() || "#0b63c5",
      "%",
    );
    const mem = make(
      $(".mem .plot", entry.el),
      style.getPropertyValue("--completed").trim() || "#0969da",
      "MiB",
    );
    return { cpu, mem };
  }

  function render(status) {
    $("#workspace").textContent = status.workspace;
    document.title = `tend · ${status.workspace.split("/").pop()}`;
    const names = new Set(status.services.map((s) => s.name));
    for (const [name, entry] of services) {
      if (!names.has(name)) {
        entry.el.remove();
        services.delete(name);
      }
    }
    for (const view of status.services) update(view);
    $("#empty").hidden = status.services.length > 0;
  }

  // ---- logs -------------------------------------------------------------
  function wireLogs(entry) {
    const el = entry.el;
    const details = $(".logs", el);
    details.addEventListener("toggle", () => {
      if (details.open && !entry.log.loaded) loadBacklog(entry);
    });
    $(".log-search", el).setAttribute(
      "aria-label",
      `Search the log of ${entry.name}`,
    );
    $(".log-search", el).addEventListener("input", (event) => {
      entry.log.filter = event.target.value.toLowerCase();
      drawLog(entry);
    });
    const pause = $(".log-pause", el);
    pause.addEventListener("click", () => {
      entry.log.paused = !entry.log.paused;
      pause.setAttribute("aria-pressed", String(entry.log.paused));
      pause.textContent = entry.log.paused ? "Resume" : "Pause";
      if (!entry.log.paused) {
        addLines(entry, entry.log.pending);
        entry.log.pending = [];
      }
    });
  }

  async function loadBacklog(entry) {
    const log = entry.log;
    log.loaded = true;
    log.early = [];
    try {
      const response = await fetch(
        `/api/v1/logs/${encodeURIComponent(entry.name)}?lines=${BACKLOG_LINES}`,
      );
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      log.lines = data.lines.slice(-MAX_LOG_LINES);
      log.seamUntil = Date.now() + SEAM_MS;
      const early = log.early;
      log.early = null;
      for (const lines of early) log.lines.push(...withoutSeam(log, lines));
      drawLog(entry);
    } catch (error) {
      log.loaded = false;
      log.early = null;
      showProblem(`Cannot read the log of "${entry.name}": ${error.message}`);
    }
  }

  /**
   * The backlog and the stream are read apart, so the first lines streamed
   * after it may repeat its last ones: drop that overlap, at the seam only.
   */
  function withoutSeam(log, lines) {
    if (Date.now() > log.seamUntil) return lines;
    const have = log.lines;
    for (let k = Math.min(have.length, lines.length); k > 0; k--) {
      let same = true;
      for (let i = 0; i < k && same; i++) {
        same = have[have.length - k + i] === lines[i];
      }
      if (same) return lines.slice(k);
    }
    return lines;
  }

  function onLog(data) {
    const entry = services.get(data.service);
    if (!entry || !entry.log.loaded) return;
    if (entry.log.early) {
      entry.log.early.push(data.lines);
      return;
    }
    data.lines = withoutSeam(entry.log, data.lines);
    if (entry.log.paused) {
      entry.log.pending.push(...data.lines);
      entry.log.pending.splice(
        0,
        Math.max(0, entry.log.pending.length - MAX_LOG_LINES),
      );
      $(".log-count", entry.el).textContent =
        `paused, ${entry.log.pending.length} new`;
      return;
    }
    addLines(entry, data.lines);
  }

  function addLines(entry, lines) {
    const log = entry.log;
    log.lines.push(...lines);
    const dropped = Math.max(0, log.lines.length - MAX_LOG_LINES);
    log.lines.splice(0, dropped);
    const pre = $(".log", entry.el);
    if (dropped > 0 || log.filter) {
      drawLog(entry);
      return;
    }
    const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    for (const line of lines) appendLine(pre, line);
    if (stick) pre.scrollTop = pre.scrollHeight;
    $(".log-count", entry.el).textContent = `${log.lines.length} lines`;
  }

  function appendLine(pre, line) {
    const div = document.createElement("div");
    div.append(tendAnsi.render(line));
    pre.append(div);
  }

  function drawLog(entry) {
    const pre = $(".log", entry.el);
    const { lines, filter } = entry.log;
    pre.textContent = "";
    const shown = filter
      ? lines.filter((line) =>
        tendAnsi.strip(line).toLowerCase().includes(filter)
      )
      : lines;
    for (const line of shown) appendLine(pre, line);
    pre.scrollTop = pre.scrollHeight;
    $(".log-count", entry.el).textContent = filter
      ? `${shown.length} of ${lines.length} lines`
      : `${lines.length} lines`;
  }

  // ---- the event stream -------------------------------------------------
  function setConnection(state, text) {
    live = state === "live";
    const el = $("#connection");
    el.dataset.state = state;
    el.textContent = text;
  }

  function connect() {
    if (source) source.close();
    source = new EventSource("/api/v1/events");
    source.addEventListener("open", () => setConnection("live", "live"));
    source.addEventListener(
      "status",
      (event) => render(JSON.parse(event.data)),
    );
    source.addEventListener("log", (event) => onLog(JSON.parse(event.data)));
    source.addEventListener("reload", (event) => {
      const data = JSON.parse(event.data);
      if (!data.ok) {
        showProblem(
          `Reload failed, the running config is kept:\n${data.error.message}`,
        );
      }
    });
    source.addEventListener("error", () => {
      setConnection("disconnected", "disconnected — reconnecting…");
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(probe, RECONNECT_MS);
      }
    });
  }

  /** After a refused stream: is the server back, and is our token still good? */
  async function probe() {
    try {
      const response = await fetch("/api/v1/status");
      if (response.status === 401) {
        setConnection(
          "unauthorized",
          'disconnected — the supervisor restarted with a new token: open the URL printed by "tend ui"',
        );
        setTimeout(probe, RECONNECT_MS * 5);
        return;
      }
      connect();
    } catch {
      setTimeout(probe, RECONNECT_MS);
    }
  }

  function start() {
    for (const button of document.querySelectorAll("[data-all]")) {
      button.addEventListener(
        "click",
        () => act(button.dataset.all, [], button),
      );
    }
    $("#problem-close").addEventListener("click", clearProblem);
    setInterval(() => {
      // The server pushes only changes: chart the values in force each second.
      const now = Date.now();
      for (const entry of services.values()) {
        tickUptime(entry);
        if (live && entry.view) sample(entry, entry.view, now);
      }
    }, 1000);
    connect();
  }

  start();
})();
