// 导入: staff preview a file (what the reader found: its kind, header row
// and title, where the year comes from; which column goes to which field,
// the first rows with the numbers as the file wrote them, the skipped
// rows, a dry run), commit it as a batch, and undo a batch. The state
// lives in the page: the chosen file and the reader's options (year,
// session, every sheet) in their inputs, the mapping in the selects, the
// list's offset in the table's dataset.

import { $, el, list, obj, str, api, upload, APIError, showError, notice, begin, finish, stale, mountHeader, confirmDialog, toast, proposalLink, when, actorName } from "./common.js";

const PAGE = 20; // batches a page

mountHeader("import");

$("i-preview").addEventListener("click", () => preview(null));
$("i-file").addEventListener("change", () => {
  const f = chosenFile();
  $("i-name").textContent = f ? f.name : "未选择文件";
  $("i-result").hidden = true;
  $("i-status").replaceChildren();
});
$("i-commit").addEventListener("click", commit);
for (const id of ["i-new-units", "i-all-proposals", "i-year", "i-session"]) {
  $(id).addEventListener("change", () => {
    if (!$("i-result").hidden) preview(shownMaps);
  });
}
// other sheets have other columns: their mapping is detected afresh
$("i-all-sheets").addEventListener("change", () => {
  if (!$("i-result").hidden) preview(null);
});
// a year or session being typed makes the preview shown stale: no commit
// until it is previewed again (on change, above)
for (const id of ["i-year", "i-session"]) {
  $(id).addEventListener("input", () => {
    if ($("i-result").hidden) return;
    $("i-commit").disabled = true;
    $("i-commit-note").textContent = "年度或届次已修改，重新预览后才能导入。";
  });
}
$("b-prev").addEventListener("click", () => batches(Math.max(0, offset() - PAGE)));
$("b-next").addEventListener("click", () => batches(offset() + PAGE));

const offset = () => Number($("b-list").dataset.offset || 0);

// query is the import's options: the mapping as map=field=header (as the
// CLI's --map) and new_units.
function query(maps) {
  const q = new URLSearchParams();
  for (const m of maps) q.append("map", m);
  if ($("i-new-units").checked) q.set("new_units", "true");
  if ($("i-all-proposals").checked) q.set("all_proposals", "true");
  return q.toString();
}

function chosenFile() {
  const f = $("i-file").files;
  return f && f.length ? f[0] : null;
}

// form is the upload: the file and the reader's options, as the CLI's
// --year, --session and --sheet all (empty: read from the file).
function form(file) {
  const fd = new FormData();
  fd.append("file", file);
  const year = $("i-year").value.trim();
  const session = $("i-session").value.trim();
  if (year) fd.append("year", year);
  if (session) fd.append("session", session);
  if ($("i-all-sheets").checked) fd.append("sheet", "all");
  return fd;
}

// WORD_KINDS are the kinds of file read by their labels, not by columns.
const WORD_KINDS = new Set(["提案表", "提案选编"]);

// shownMaps is the mapping of the preview shown (null: the one the server
// detected), which the commit and a preview with other options send again:
// a file is imported as it was previewed, whatever the selects of one
// sheet would say of several.
let shownMaps = null;

// preview uploads the file with a mapping (null: the one the server
// detects) and shows what importing it would do.
async function preview(maps) {
  const file = chosenFile();
  const run = begin("import");
  if (!file) {
    notice($("i-status"), "请先选择要导入的文件。");
    $("i-result").hidden = true;
    finish("import", run, "empty");
    return;
  }
  notice($("i-status"), "正在读取“" + file.name + "”并试导入……");
  try {
    let pv = obj(await upload("/api/v1/import/preview?" + query(maps || []), form(file)));
    if (pv.state === "running" && pv.id) pv = obj(obj(await follow(str(pv.id), $("i-status"), "试导入")).result);
    if (stale("import", run)) return;
    shownMaps = maps;
    show(pv);
    $("i-status").replaceChildren();
    finish("import", run, "done");
  } catch (e) {
    if (stale("import", run)) return;
    $("i-result").hidden = true;
    showError($("i-status"), e);
    finish("import", run, "error");
  }
}

function show(pv) {
  const rep = obj(pv.report);
  const fields = list(pv.fields).map(obj);
  const mapping = list(pv.mapping).map(obj);
  const byLabels = list(pv.columns).length === 0 && mapping.length > 0;
  found(pv, rep);
  $("i-mapping").hidden = byLabels;
  $("i-labels").hidden = !byLabels;
  if (byLabels) {
    $("i-mapping-title").textContent = "栏目与字段";
    $("i-header").textContent = "“" + str(pv.file) + "”按栏目读取，每件提案读出的字段见下方“读取结果”。";
    labelsTable(mapping, fields);
  } else {
    $("i-mapping-title").textContent = "表头与字段";
    const sheets = list(pv.sheets).map(str).filter(Boolean);
    $("i-header").textContent = (Number(pv.header_row) > 0 ? "" : "“" + str(pv.file) + "”以每行的键为表头。") +
      (sheets.length > 1 ? "下表是工作表“" + sheets[0] + "”每一列导入为哪个字段，其他工作表按各自的表头识别；如修改对应，每个工作表都按修改后的表头读取，修改后自动重新预览。"
        : "下表是每一列导入为哪个字段，可以修改，修改后自动重新预览。");
    mappingTable(pv, fields);
  }
  summary(rep, WORD_KINDS.has(str(pv.kind)));
  warnings(list(rep.warnings).map(obj), WORD_KINDS.has(str(pv.kind)));
  rejected(list(rep.errors).map(obj));
  rows(list(pv.rows).map(obj), fields, mapping, WORD_KINDS.has(str(pv.kind)), list(rep.errors).length > 0);
  const importable = (Number(rep.inserted) || 0) + (Number(rep.updated) || 0);
  $("i-commit").disabled = importable === 0;
  $("i-commit").dataset.file = str(pv.file);
  $("i-commit-note").textContent = importable === 0 ? "没有可导入的行。" : "";
  $("i-result").hidden = false;
}

// found lists what the reader found: the kind of file, its title and
// header, the sheets read and where the year comes from.
function found(pv, rep) {
  const items = [];
  const add = (term, text, cls) => items.push(el("dt", {}, term), el("dd", cls ? { class: cls } : {}, text));
  const kind = str(pv.kind);
  add("文件类型", kindText(kind));
  const title = str(pv.title);
  const hr = Number(pv.header_row) || 0;
  if (hr > 0) {
    const two = (Number(pv.header_rows) || 0) > 1;
    add("表头", (two ? "第" + hr + "—" + (hr + 1) + "行为表头（两行）" : "第" + hr + "行为表头") + (title ? "（其上标题：" + title + "）" : "（其上没有标题行）"));
  } else if (title) {
    add("标题", title);
  }
  const sheets = list(pv.sheets).map(str).filter(Boolean);
  if (sheets.length) add(sheets.length > 1 ? "工作表（" + sheets.length + "）" : "工作表", sheets.join("、"));
  const ys = str(pv.year_source);
  const noYear = list(pv.rows).map(obj).some((r) => !Number(obj(r.proposal).year));
  if (ys && sheets.length > 1) {
    add("年度来源", "工作表“" + sheets[0] + "”：" + forPage(ys) + "；其他工作表的行，年度取自各自的标题行或工作表名（鼠标停在各行的年度上可见）");
  } else if (ys) {
    add("年度来源", forPage(ys));
  } else if (noYear) {
    add("年度来源", "文件中没有读到年度：请在上方填写年度或届次后重新预览，否则这些行导入后没有年度。", "missing");
  } else {
    add("年度来源", "各行的年度列");
  }
  const n = (x) => Number(x) || 0;
  add("读取", "共 " + n(rep.rows) + " 件" + (list(rep.warnings).length ? "，跳过或提示 " + list(rep.warnings).length + " 处（见下方）" : ""));
  $("i-found").replaceChildren(...items);
}

function kindText(kind) {
  switch (kind) {
    case "提案表": return "Word 提案表（每个文件一件提案，按表格中的栏目读取）";
    case "提案选编": return "Word 提案选编（每个“第…号”标题一件提案）";
    case "表格（Word）": return "Word 文档中的表格（按表头读取各列）";
    case "表格": return "表格（按表头读取各列）";
    case "JSON Lines": return "JSON Lines（每行一件，以键为表头）";
  }
  return kind || "未知";
}

// labelsTable shows, for a Word form or compilation, which label of the
// document was read as which field; it cannot be changed.
function labelsTable(mapping, fields) {
  const header = {};
  for (const f of fields) header[str(f.name)] = str(f.header);
  $("i-labels").tBodies[0].replaceChildren(...mapping.map((m) =>
    el("tr", {}, el("td", {}, str(m.column)), el("td", {}, (header[str(m.field)] || str(m.field)) + "（" + str(m.field) + "）"))));
}

// warnings lists what the reader skipped or guessed (note and total rows,
// rows without a year, provisional numbers), apart from the rejections.
function warnings(ws, word) {
  const box = $("i-warnings");
  if (!ws.length) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(el("h4", { class: "warn" }, "跳过或需要核对的行（" + ws.length + "）"),
    el("ul", { id: "i-warning-list" }, ...ws.slice(0, MOST_ERRORS).map((w) =>
      el("li", {}, where(w, word) + forPage(str(w.message))))));
  if (ws.length > MOST_ERRORS) box.append(el("p", { class: "notice" }, "……还有 " + (ws.length - MOST_ERRORS) + " 条，未列出。"));
}

// forPage words the reader's messages, written for the command line
// (--year, --session), for this page, whose inputs are 年度 and 届次.
function forPage(text) {
  return text.replace(/ ?--year 或 --session ?/g, "上方的“年度”或“届次”").replace(/（--year (\d+)）/g, "（$1）")
    .replace(/ ?--year ?/g, "上方的“年度”").replace(/ ?--session ?/g, "上方的“届次”");
}

// where is a warning's row and column ("第26行："); a Word form's or
// compilation's warnings name the proposal themselves.
function where(w, word) {
  const at = (w.row && !word ? "第" + str(w.row) + "行" : "") + (str(w.column) ? "（" + str(w.column) + "）" : "");
  return at ? at + "：" : "";
}

// mappingTable shows each column with a select of the fields; choosing a
// field another column had takes it from that column.
function mappingTable(pv, fields) {
  const columns = list(pv.columns).map(str);
  const headers = list(pv.headers).map(str);
  const fieldOf = {};
  for (const m of list(pv.mapping).map(obj)) fieldOf[str(m.column)] = str(m.field);
  const body = $("i-mapping").tBodies[0];
  body.replaceChildren(...columns.map((label, i) => {
    const sel = el("select", { "data-header": headers[i] || "", "aria-label": "“" + label + "”导入为" },
      el("option", { value: "" }, "（不导入）"),
      ...fields.map((f) => el("option", { value: str(f.name) }, str(f.header) + "（" + str(f.name) + "）")));
    sel.value = fieldOf[label] || "";
    sel.addEventListener("change", () => remap(sel, fields));
    return el("tr", { class: sel.value ? "" : "unmapped" }, el("td", {}, label), el("td", {}, sel));
  }));
}

function remap(changed, fields) {
  const selects = Array.from($("i-mapping").querySelectorAll("select"));
  if (changed.value) {
    for (const s of selects) if (s !== changed && s.value === changed.value) s.value = "";
  }
  const maps = fields.map((f) => {
    const s = selects.find((x) => x.value === str(f.name));
    return str(f.name) + "=" + (s ? s.dataset.header : "");
  });
  preview(maps);
}

function summary(rep, word) {
  const n = (x) => Number(x) || 0;
  const parts = ["共读取 " + n(rep.rows) + (word ? " 件" : " 行") + "：将新增 " + n(rep.inserted) + " 件，更新 " + n(rep.updated) + " 件，未变 " +
    n(rep.unchanged) + " 件，拒收 " + n(rep.rejected) + (word ? " 件。" : " 行。")];
  if (n(rep.not_proposals) > 0) {
    parts.push("其中 " + n(rep.not_proposals) + " 件没有提案的审查办理信息（状态、届次、界别、提案人类型、承办单位），" +
      "将标为“非提案”（如网上留言）存档，不计入统计和模型训练；如果这些都是提案，请勾选“每行都是提案”。");
  }
  if (list(rep.new_categories).length) parts.push("将新建类别：" + list(rep.new_categories).map(str).join("、") + "。");
  if (list(rep.new_units).length) parts.push("将新建承办单位 " + list(rep.new_units).length + " 个：" + list(rep.new_units).slice(0, 10).map(str).join("、") + (list(rep.new_units).length > 10 ? "……" : "") + "。");
  $("i-summary").textContent = parts.join("");
}

const MOST_ERRORS = 200;

function rejected(errors) {
  const box = $("i-rejected");
  if (!errors.length) {
    box.replaceChildren(el("p", { class: "notice" }, "没有拒收的行。"));
    return;
  }
  const table = el("table", { id: "i-errors" },
    el("thead", {}, el("tr", {}, el("th", {}, "行"), el("th", {}, "列"), el("th", {}, "问题"))),
    el("tbody", {}, ...errors.slice(0, MOST_ERRORS).map((e) =>
      el("tr", {}, el("td", {}, e.row ? "第" + str(e.row) + "行" : "—"), el("td", {}, str(e.column) || "—"), el("td", {}, str(e.message))))));
  box.replaceChildren(el("h4", { class: "warn" }, "拒收的行（" + errors.length + "）"), table);
  if (errors.length > MOST_ERRORS) box.append(el("p", { class: "notice" }, "……还有 " + (errors.length - MOST_ERRORS) + " 条，未列出。"));
}

// rows shows the first rows as read: what a commit would do with each,
// the number as stored, with the office's writing under it (暂编 when the
// file gave none), the year with where it came from, then the fields the
// file gave (a column mapped to them, or a value read from a Word
// document's labels or title).
function rows(rs, fields, mapping, word, rejectedRows) {
  const mapped = new Set(mapping.map((m) => str(m.field)));
  const given = (f) => rs.some((r) => cell(obj(r.proposal), str(f.name)) !== "");
  // the fields the rows shown have, or with no rows the mapped ones
  const shown = fields.filter((f) => f.name !== "number" && f.name !== "year" && f.name !== "co_units" &&
    (rs.length ? given(f) : mapped.has(str(f.name)))).slice(0, 9);
  const several = rs.some((r) => str(r.sheet));
  $("i-rows-title").textContent = rs.length ? "读取结果：前 " + rs.length + (word ? " 件" : " 行") + "（按上面的对应读取" +
    (rejectedRows ? "；无法读取的行见上方“拒收的行”" : "") + "）" : "没有可读取的数据行";
  $("i-rows").tHead.replaceChildren(el("tr", {}, el("th", {}, word ? "序" : "行"), el("th", {}, "导入后"), ...(several ? [el("th", {}, "工作表")] : []),
    el("th", {}, "提案号"), el("th", {}, "年度"), ...shown.map((f) => el("th", {}, str(f.header))), el("th", {}, "类型")));
  $("i-rows").tBodies[0].replaceChildren(...rs.map((r) => {
    const p = obj(r.proposal);
    const kind = (f) => f.name === "body" ? "cut" : f.name === "title" || f.name === "reply" ? "wide" : TEXT_FIELDS.has(str(f.name)) ? "" : "short";
    return el("tr", { class: "outcome-" + str(r.outcome) }, el("td", {}, str(r.row)), el("td", { class: "short" }, outcomeText[str(r.outcome)] || "—"),
      ...(several ? [el("td", { class: "short sheet" }, str(r.sheet))] : []),
      numberCell(p, r), el("td", { class: "short year", title: str(r.year_source) }, cell(p, "year") || "（无）"),
      ...shown.map((f) => el("td", { class: kind(f) }, cell(p, str(f.name)))),
      el("td", { class: "short" }, p.not_proposal ? "非提案" : "提案"));
  }));
}

const outcomeText = { inserted: "新增", updated: "更新", unchanged: "未变", rejected: "拒收" };

// TEXT_FIELDS wrap in the rows (names, units, reasons); the other short
// fields do not.
const TEXT_FIELDS = new Set(["proposer", "lead_unit", "status_reason", "merged_into", "sector"]);

// numberCell is the stored number, and under it the number as the file
// wrote it when that differs, or 暂编 when the file gave none.
function numberCell(p, r) {
  const number = str(p.number);
  const written = str(r.written);
  const td = el("td", { class: "number" }, number);
  if (r.provisional) {
    td.append(el("span", { class: "badge provisional", title: "文件中没有提案号，暂编此号；导入后可以修改" }, "暂编"));
  } else if (written && written !== number) {
    td.append(el("small", {}, "原文：" + written));
  }
  return td;
}

function cell(p, field) {
  const v = p[field];
  if (Array.isArray(v)) return v.map(str).join("、");
  if (field === "year" && !v) return "";
  return str(v);
}

// commit imports the file with the mapping shown, after the user agrees,
// and follows the job when the import outlasts the request.
async function commit() {
  const file = chosenFile();
  if (!file) return;
  const ok = await confirmDialog("导入“" + file.name + "”？" + $("i-summary").textContent + "导入后可在下方“导入记录”中撤销。", "导入");
  if (!ok) return;
  const run = begin("import");
  $("i-commit").disabled = true;
  notice($("i-status"), "正在导入“" + file.name + "”……");
  try {
    let r = obj(await upload("/api/v1/import?" + query(shownMaps || []), form(file)));
    if (r.state === "running" && r.id) r = await follow(str(r.id), $("i-status"), "导入");
    if (stale("import", run)) return;
    const rep = obj(r.result !== undefined ? r.result : r);
    const n = (x) => Number(x) || 0;
    $("i-result").hidden = true;
    $("i-status").replaceChildren(el("p", { class: "report", id: "i-done" },
      "已导入“" + str(rep.file) + "”（第 " + str(rep.batch) + " 批）：新增 " + n(rep.inserted) + " 件，更新 " + n(rep.updated) + " 件，未变 " +
      n(rep.unchanged) + " 件，拒收 " + n(rep.rejected) + " 行" + (n(rep.not_proposals) ? "，其中非提案 " + n(rep.not_proposals) + " 件" : "") +
      "。如有误，可在下方撤销这一批。"));
    const ws = list(rep.warnings).map(obj);
    if (ws.length) {
      $("i-status").append(el("p", { class: "warn" }, "跳过或需要核对的行（" + ws.length + "）"), el("ul", { id: "i-done-warnings" }, ...ws.slice(0, MOST_ERRORS).map((w) =>
        el("li", {}, where(w, /^第\d+件提案/.test(str(w.message))) + forPage(str(w.message))))));
    }
    toast("导入完成：第 " + str(rep.batch) + " 批");
    finish("import", run, "done");
    batches(0);
  } catch (e) {
    if (stale("import", run)) return;
    $("i-commit").disabled = false;
    showError($("i-status"), e);
    finish("import", run, "error");
  }
}

// follow waits for a job (an import, an undo) that outlasted its request
// to end and returns it (its result is the report), saying in target how
// far it has got.
async function follow(id, target, verb) {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const j = obj(await api("GET", "/api/v1/jobs/" + encodeURIComponent(id)));
    if (j.state === "failed") throw new APIError(verb + "失败：" + (str(obj(j.error).message) || "原因不明"));
    if (j.state !== "running") return j;
    const total = Number(j.total) || 0;
    notice(target, "正在" + verb + "……" + (total ? "已处理 " + (Number(j.done) || 0) + " / " + total + " 行" : ""));
  }
}

// batches lists a page of the import batches, newest first.
async function batches(from) {
  const run = begin("batches");
  try {
    const r = obj(await api("GET", "/api/v1/imports?limit=" + PAGE + "&offset=" + from));
    if (stale("batches", run)) return;
    const bs = list(r.batches).map(obj);
    const total = Number(r.total) || 0;
    $("b-list").dataset.offset = String(from);
    $("b-list").tBodies[0].replaceChildren(...bs.map(batchRow));
    $("b-list").hidden = bs.length === 0;
    $("b-page").textContent = total ? "第 " + (from + 1) + "–" + (from + bs.length) + " 批，共 " + total + " 批" : "还没有导入记录。";
    $("b-prev").disabled = from === 0;
    $("b-next").disabled = from + bs.length >= total;
    finish("batches", run, bs.length ? "done" : "empty");
  } catch (e) {
    if (stale("batches", run)) return;
    showError($("b-status"), e);
    finish("batches", run, "error");
  }
}

function batchRow(b) {
  const undone = str(b.undone_at);
  const state = undone ? el("td", {}, "已撤销", el("br"), el("small", {}, when(undone) + " " + actorName(b.undone_by))) : el("td", {}, "有效");
  const action = undone ? "" : el("button", { class: "undo", "data-batch": str(b.id), onclick: () => undo(b) }, "撤销");
  return el("tr", { class: undone ? "undone" : "" },
    el("td", {}, str(b.id)), el("td", {}, when(str(b.at))), el("td", {}, actorName(b.actor)), el("td", {}, fileName(b.file)),
    el("td", {}, str(b.added)), el("td", {}, str(b.updated)), el("td", {}, str(b.unchanged)), el("td", {}, str(b.rejected)),
    el("td", {}, str(b.not_proposals)), state, el("td", {}, action));
}

// fileName names a batch's file for the reader: the demo's load by what it
// was, an upload by its own name.
function fileName(f) {
  return str(f).startsWith("demo:") ? "演示数据（" + str(f).slice(5) + "）" : str(f);
}

async function undo(b) {
  const added = Number(b.added) || 0;
  let text = "撤销第 " + str(b.id) + " 批导入（" + fileName(b.file) + "）？它新增的 " + added + " 件将被删除，更新的 " +
    (Number(b.updated) || 0) + " 件恢复为导入前的内容。";
  // a large batch (the demo's load, a year's archive) is said plainly
  if (added >= 100) text += "注意：这将从档案中删除 " + added + " 件提案及其分组、统计中的数据。";
  if (!(await confirmDialog(text, "撤销"))) return;
  const run = begin("batches");
  try {
    let r = obj(await api("POST", "/api/v1/imports/" + encodeURIComponent(str(b.id)) + "/undo"));
    if (r.state === "running" && r.id) r = obj(obj(await follow(str(r.id), $("b-status"), "撤销")).result);
    if (stale("batches", run)) return;
    const removed = list(r.removed).map(str);
    const restored = list(r.restored).map(str);
    const msg = el("p", { class: "report", id: "b-done" }, "已撤销第 " + str(b.id) + " 批导入（" + fileName(b.file) + "）：删除 " + removed.length +
      " 件，恢复 " + restored.length + " 件。");
    if (restored.length) {
      msg.append("恢复的提案：");
      restored.slice(0, 20).forEach((n, i) => msg.append(i ? "、" : "", proposalLink(n)));
      if (restored.length > 20) msg.append("……");
    }
    $("b-status").replaceChildren(msg);
    if (str(r.warning)) $("b-status").append(el("p", { class: "warn" }, str(r.warning)));
    finish("batches", run, "done");
    batches(offset());
  } catch (e) {
    if (stale("batches", run)) return;
    showError($("b-status"), e);
    finish("batches", run, "error");
  }
}

batches(0);
