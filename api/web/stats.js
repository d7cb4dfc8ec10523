// 统计: the committee's annual report on proposals for a year chosen from
// those the store has — the paragraph `tian stats` prints (the server
// writes it), the headline figures beside the year before's, a chart of
// the filed proposals by category, the tables, and the workbook.
//
// What is on the page is kept on the section's data attributes (data-year,
// data-title), not in variables, so that the export takes exactly what is
// shown.

import { $, el, list, obj, str, fixed, api, APIError, messageOf, showError, notice, begin, finish, stale, mountHeader } from "./common.js";

const allYears = "0"; // the select's value for all years
const shortList = 10; // rows a long table shows before 显示全部

start();

async function start() {
  $("t-year").addEventListener("change", () => {
    $("t-notice").hidden = true;
    show($("t-year").value, false);
  });
  $("t-other").addEventListener("change", () => show($("stats").dataset.year || allYears, false));
  $("t-export").addEventListener("click", exportWorkbook);
  const who = await mountHeader("stats");
  const asked = str(new URLSearchParams(location.search).get("year")).trim();
  if (/^(0|\d{4})$/.test(asked)) {
    show(asked, false);
    return;
  }
  if (asked !== "") {
    $("t-notice").textContent = "地址中的年度“" + asked + "”无效，已显示有提案的最近年度；可在上方选择其他年度。";
    $("t-notice").hidden = false;
  }
  // the latest year with proposals: the current year's answer lists them
  show(who.current_year ? String(who.current_year) : allYears, true);
}

// show loads and draws the statistics of year ("0": all years); latest
// moves on to the latest year with proposals when that is another.
async function show(year, latest) {
  const run = begin("stats");
  $("t-export").disabled = true;
  notice($("t-report"), "统计中……");
  try {
    let r = await load(year);
    const years = list(obj(r.stats).years).map(obj).filter((y) => Number.isInteger(y.year));
    const last = years.length ? String(years[years.length - 1].year) : "";
    if (latest && last && last !== year) {
      year = last;
      r = await load(year);
    }
    if (stale("stats", run)) return;
    finish("stats", run, draw(r, year));
  } catch (e) {
    if (stale("stats", run)) return;
    $("t-title").textContent = "";
    $("t-body").hidden = true;
    if ($("t-year").options.length === 0) yearOptions([], allYears);
    showError($("t-report"), e);
    finish("stats", run, "error");
  }
}

function load(year) {
  return api("GET", "/api/v1/stats?" + query(year));
}

// query asks for year ("0": all years), with the records that are not
// proposals when the page counts them in.
function query(year) {
  const q = new URLSearchParams();
  if (year !== allYears) q.set("year", year);
  if ($("t-other").checked) q.set("include_other", "true");
  return q;
}

// draw puts an answer on the page and returns the run's state: "empty"
// for a period without proposals.
function draw(r, year) {
  const st = obj(r.stats);
  const d = $("stats").dataset;
  d.year = year;
  d.title = str(r.title) || "提案统计";
  history.replaceState(null, "", year === allYears ? "/stats?year=0" : "/stats?year=" + encodeURIComponent(year));
  yearOptions(list(st.years).map(obj), year);
  // records that are not proposals (a message board): left out unless counted in
  const other = Number(st.other) || 0;
  $("t-other-label").hidden = other === 0 && !$("t-other").checked;
  $("t-other-text").textContent = "计入网上留言等非提案记录" + (other > 0 ? "（" + other + "件）" : "");
  $("t-title").textContent = d.title;
  $("t-report").textContent = str(r.report) || "暂无统计。";
  const received = Number(st.received) || 0;
  $("t-body").hidden = received === 0;
  $("t-export").disabled = received === 0;
  $("t-export").title = received === 0 ? "该年度没有提案，无可导出的统计" : "导出" + d.title + "（Excel，每表一个工作表）";
  if (received === 0) {
    const years = list(st.years).map(obj);
    // each year with proposals opens at a click
    const open = (y) => el("button", { type: "button", class: "link more", title: "查看" + y + "年的统计",
      onclick: () => { $("t-year").value = y; show(y, false); } }, y);
    const hint = years.length
      ? el("span", { class: "notice" }, "有提案的年度：", ...years.flatMap((y, i) => [i ? "、" : null, open(str(y.year))]), "。")
      : el("span", { class: "notice" }, "还没有提案：请先导入提案或载入演示数据。");
    $("t-report").append(el("br"), hint);
    return "empty";
  }
  overview(st);
  chart(st);
  tables(st);
  return "done";
}

// yearOptions offers all years and each year with proposals, newest
// first, with how many; a year asked for without proposals is offered
// too, so that the select shows what the page shows.
function yearOptions(years, year) {
  const options = [el("option", { value: allYears }, "全部年度")];
  const known = years.filter((y) => Number.isInteger(y.year)).sort((a, b) => b.year - a.year);
  let placed = year === allYears;
  for (const y of known) {
    const v = String(y.year);
    if (!placed && Number(year) > y.year) {
      options.push(el("option", { value: year }, year + "年（无提案）"));
      placed = true;
    }
    placed = placed || v === year;
    options.push(el("option", { value: v }, v + "年（" + str(y.received) + "件）"));
  }
  if (!placed) options.push(el("option", { value: year }, year + "年（无提案）"));
  $("t-year").replaceChildren(...options);
  $("t-year").value = year;
}

// --- figures

const count = (n) => (Number.isFinite(n) ? n + "件" : "—");
const pct = (x, digits) => (Number.isFinite(x) ? fixed(x, digits) + "%" : "—");

// change says how a count moved: +3件, −1件, 持平.
function change(now, before, unit) {
  if (!Number.isFinite(now) || !Number.isFinite(before)) return "";
  const d = now - before;
  return d > 0 ? "+" + d + unit : d < 0 ? "−" + -d + unit : "持平";
}

// pointChange is a rate's change in percentage points, of the rates as
// printed (to 0.01), as the report states it.
function pointChange(now, before) {
  if (!Number.isFinite(now) || !Number.isFinite(before)) return "";
  const d = Math.round(now * 100) - Math.round(before * 100);
  return d > 0 ? "+" + fixed(d / 100, 2) + "个百分点" : d < 0 ? "−" + fixed(-d / 100, 2) + "个百分点" : "持平";
}

// period names what the figures cover: 2024年, 2021—2025年, 全部年度.
function period(st) {
  if (st.year) return str(st.year) + "年";
  if (st.from_year && st.to_year && st.from_year !== st.to_year) return str(st.from_year) + "—" + str(st.to_year) + "年";
  return st.from_year ? str(st.from_year) + "年" : "全部年度";
}

// overview is the headline figures, beside the year before's.
function overview(st) {
  const p = st.previous && typeof st.previous === "object" ? obj(st.previous) : null;
  const num = (x) => (typeof x === "number" ? x : NaN);
  const head = ["项目", period(st)];
  if (p) head.push(str(p.year) + "年", "增减");
  const rows = [];
  const row = (label, now, before, fmt, diff) => {
    const cells = [label, fmt(now)];
    if (p) cells.push(before === undefined ? "" : fmt(before), before === undefined ? "" : diff(now, before));
    rows.push(cells);
  };
  const counted = (now, before) => change(now, before, "件");
  row("收到提案", num(st.received), num(p && p.received), count, counted);
  if (num(st.unrecorded) > 0) {
    row("已记录审查结果", num(st.reviewed), num(p && p.reviewed), count, counted);
    row("未记录审查结果", num(st.unrecorded), undefined, count);
  }
  row("立案（含并案）", num(st.filed), num(p && p.filed), count, counted);
  row("其中并案", num(st.merged), undefined, count);
  row("不予立案", num(st.rejected), undefined, count);
  if (num(st.reviewed) > 0) {
    const label = num(st.unrecorded) > 0 ? "立案率（按已记录审查结果计）" : "立案率";
    row(label, num(st.filing_rate), p && num(p.reviewed) > 0 ? num(p.filing_rate) : undefined, (x) => pct(x, 2), pointChange);
  } else {
    rows.push(["立案率", "无法计算"].concat(p ? ["", ""] : []));
  }
  row("立案的委员提案", num(st.members), undefined, count);
  row("立案的集体提案", num(st.collective), undefined, count);
  row("已登记办理答复", num(st.replied), undefined, count);
  fillTable("t-overview", head, rows, { numeric: [1, 2, 3] });
}

// chart draws the filed proposals by category: one bar a category, its
// count and share, and the change from the year before when compared.
function chart(st) {
  const svg = $("t-chart");
  const ns = "http://www.w3.org/2000/svg";
  const node = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const categories = list(st.categories).map(obj);
  const changes = new Map(list(st.category_changes).map(obj).map((c) => [str(c.name), c]));
  const n = (x) => (Number.isFinite(x) ? x : 0);
  const most = Math.max(1, ...categories.map((c) => n(c.count)));
  const labelWidth = 110, barWidth = 230, rowHeight = 34;
  $("t-figure").hidden = categories.length === 0;
  const height = Math.max(40, 8 + categories.length * rowHeight);
  svg.setAttribute("height", String(height));
  // the drawing scales down to a narrow screen (style.css: max-width 100%)
  svg.setAttribute("viewBox", "0 0 " + (Number(svg.getAttribute("width")) || 560) + " " + height);
  svg.replaceChildren(...categories.flatMap((c, i) => {
    const y = 6 + i * rowHeight;
    const w = Math.max(2, Math.round((n(c.count) / most) * barWidth));
    const ch = changes.get(str(c.name));
    let text = count(c.count) + "，占" + pct(c.share, 1);
    if (ch && st.previous) text += "，比上年" + change(n(ch.count), n(ch.previous), "件");
    return [
      node("text", { x: 0, y: y + 18, class: "label" }, str(c.name)),
      node("rect", { x: labelWidth, y, width: w, height: 24, rx: 2 }),
      node("text", { x: labelWidth + w + 8, y: y + 18 }, text),
    ];
  }));
}

// --- tables

function tables(st) {
  const filed = Number(st.filed) || 0;
  const previous = st.previous && typeof st.previous === "object" ? obj(st.previous) : null;
  if (previous) {
    fillTable("t-categories", ["类别", "立案件数", "占立案", previous.year + "年", "增减"],
      list(st.category_changes).map(obj).map((c) => [str(c.name), count(c.count), pct(filed ? (c.count * 100) / filed : NaN, 1),
        count(c.previous), change(c.count, c.previous, "件")]), { numeric: [1, 2, 3, 4], none: "没有立案提案" });
  } else {
    fillTable("t-categories", ["类别", "立案件数", "占立案"],
      list(st.categories).map(obj).map((c) => [str(c.name), count(c.count), pct(c.share, 1)]), { numeric: [1, 2], none: "没有立案提案" });
  }
  const tally = (t) => [str(t.name), count(t.received), count(t.filed), t.reviewed > 0 ? pct(t.filing_rate, 2) : "—", pct(t.share, 1)];
  fillTable("t-types", ["提案者类型", "收到", "立案", "立案率", "占收到"], list(st.proposer_types).map(obj).map(tally), { numeric: [1, 2, 3, 4] });
  fillTable("t-sectors", ["界别", "收到", "立案", "立案率", "占收到"], list(st.sectors).map(obj).map(tally),
    { numeric: [1, 2, 3, 4], limit: shortList, none: "没有标注界别的提案" });
  fillTable("t-reasons", ["理由", "件数", "占不予立案"], list(st.reasons).map(obj).map((c) => [str(c.name), count(c.count), pct(c.share, 1)]),
    { numeric: [1, 2], limit: shortList, none: "没有不予立案的提案" });
  fillTable("t-topics", ["议题", "相关立案提案"], list(st.topics).map(obj).map((c) => [str(c.name), count(c.count)]),
    { numeric: [1], none: "没有立案提案，无热点议题" });
  fillTable("t-units", ["主办单位", "立案件数", "占立案"], list(st.lead_units).map(obj).map((c) => [str(c.name), count(c.count), pct(c.share, 1)]),
    { numeric: [1, 2], limit: shortList, none: "没有记录主办单位" });
}

// fillTable writes a table's header and rows (cells are text); numeric
// columns align right; past limit rows, a button shows the rest.
function fillTable(id, head, rows, opts) {
  const o = obj(opts);
  const numeric = new Set(list(o.numeric));
  const t = $(id);
  t.tHead.replaceChildren(el("tr", {}, ...head.map((h, i) => el("th", { class: numeric.has(i) ? "num" : "" }, h))));
  const tr = (cells) => el("tr", {}, ...cells.map((c, i) => el("td", { class: numeric.has(i) ? "num" : "" }, c)));
  const body = t.tBodies[0];
  if (rows.length === 0) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: String(head.length), class: "notice" }, str(o.none) || "无")));
    return;
  }
  const limit = Number.isInteger(o.limit) && rows.length > o.limit + 2 ? o.limit : rows.length;
  body.replaceChildren(...rows.slice(0, limit).map(tr));
  if (limit < rows.length) {
    const more = el("button", { class: "link more" }, "显示全部 " + rows.length + " 项");
    more.addEventListener("click", () => body.replaceChildren(...rows.map(tr)));
    body.append(el("tr", {}, el("td", { colspan: String(head.length) }, more)));
  }
}

// --- export

// exportWorkbook downloads the workbook of what the page shows; a failure
// is said in the page.
async function exportWorkbook() {
  const d = $("stats").dataset;
  const button = $("t-export");
  const note = $("t-export-note");
  const run = begin("t-export");
  button.disabled = true;
  note.textContent = "正在生成……";
  try {
    const q = query(d.year || allYears);
    q.set("format", "xlsx");
    let res;
    try {
      res = await fetch("/api/v1/stats?" + q, { credentials: "same-origin" });
    } catch {
      throw new APIError("无法连接服务器，请检查网络后重试。");
    }
    if (!res.ok) {
      let message = "";
      try { message = str(obj(await res.json()).message); } catch { message = ""; }
      throw new APIError("导出失败：" + (message || "HTTP " + res.status));
    }
    const file = d.title + ".xlsx";
    const href = URL.createObjectURL(await res.blob());
    const a = el("a", { href, download: file });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10000);
    note.textContent = "已导出 " + file;
    finish("t-export", run, "done");
  } catch (e) {
    note.replaceChildren(el("span", { class: "error", role: "alert" }, messageOf(e)));
    finish("t-export", run, "error");
  } finally {
    button.disabled = false;
  }
}
