// 导入: staff preview a file (its header, which column goes to which
// field, the first rows, a dry run), commit it as a batch, and undo a
// batch. The state lives in the page: the chosen file in its input, the
// mapping in the selects, the list's offset in the table's dataset.

import { $, el, list, obj, str, api, upload, APIError, showError, notice, begin, finish, stale, mountHeader, confirmDialog, toast, proposalLink } from "./common.js";

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
for (const id of ["i-new-units", "i-all-proposals"]) {
  $(id).addEventListener("change", () => {
    if (!$("i-result").hidden) preview(currentMaps());
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

function form(file) {
  const fd = new FormData();
  fd.append("file", file);
  return fd;
}

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
  const hr = Number(pv.header_row) || 0;
  $("i-header").textContent = (hr > 0 ? "“" + str(pv.file) + "”的表头在第" + hr + "行" : "“" + str(pv.file) + "”以每行的键为表头") +
    "；下表是每一列导入为哪个字段，可以修改，修改后自动重新预览。";
  mappingTable(pv, fields);
  summary(rep);
  rejected(list(rep.errors).map(obj));
  rows(list(pv.rows).map(obj), fields, list(pv.mapping).map(obj), list(rep.errors).length > 0);
  const importable = (Number(rep.inserted) || 0) + (Number(rep.updated) || 0);
  $("i-commit").disabled = importable === 0;
  $("i-commit").dataset.file = str(pv.file);
  $("i-commit-note").textContent = importable === 0 ? "没有可导入的行。" : "";
  $("i-result").hidden = false;
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

// currentMaps is the mapping the selects show, as map strings.
function currentMaps() {
  const selects = Array.from($("i-mapping").querySelectorAll("select"));
  const fields = Array.from(selects[0] ? selects[0].options : []).map((o) => o.value).filter(Boolean);
  return fields.map((f) => {
    const s = selects.find((x) => x.value === f);
    return f + "=" + (s ? s.dataset.header : "");
  });
}

function summary(rep) {
  const n = (x) => Number(x) || 0;
  const parts = ["共读取 " + n(rep.rows) + " 行：将新增 " + n(rep.inserted) + " 件，更新 " + n(rep.updated) + " 件，未变 " +
    n(rep.unchanged) + " 件，拒收 " + n(rep.rejected) + " 行。"];
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

// rows shows the first rows as read, in the columns the file has.
function rows(rs, fields, mapping, rejectedRows) {
  const mapped = new Set(mapping.map((m) => str(m.field)));
  const shown = fields.filter((f) => mapped.has(str(f.name)) && f.name !== "co_units").slice(0, 9);
  $("i-rows-title").textContent = rs.length ? "前 " + rs.length + " 行（按上面的对应读取" + (rejectedRows ? "；无法读取的行见上方“拒收的行”" : "") + "）" : "没有可读取的数据行";
  $("i-rows").tHead.replaceChildren(el("tr", {}, el("th", {}, "行"), el("th", {}, "导入后"), ...shown.map((f) => el("th", {}, str(f.header))), el("th", {}, "类型")));
  $("i-rows").tBodies[0].replaceChildren(...rs.map((r) => {
    const p = obj(r.proposal);
    const wide = (f) => f.name === "body" || f.name === "title" || f.name === "reply";
    return el("tr", { class: "outcome-" + str(r.outcome) }, el("td", {}, str(r.row)), el("td", { class: "short" }, outcomeText[str(r.outcome)] || "—"), ...shown.map((f) => el("td", { class: f.name === "body" ? "cut" : wide(f) ? "" : "short" }, cell(p, str(f.name)))),
      el("td", { class: "short" }, p.not_proposal ? "非提案" : "提案"));
  }));
}

const outcomeText = { inserted: "新增", updated: "更新", unchanged: "未变", rejected: "拒收" };

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
    let r = obj(await upload("/api/v1/import?" + query(currentMaps()), form(file)));
    if (r.state === "running" && r.id) r = await follow(str(r.id), $("i-status"), "导入");
    if (stale("import", run)) return;
    const rep = obj(r.result !== undefined ? r.result : r);
    const n = (x) => Number(x) || 0;
    $("i-result").hidden = true;
    $("i-status").replaceChildren(el("p", { class: "report", id: "i-done" },
      "已导入“" + str(rep.file) + "”（第 " + str(rep.batch) + " 批）：新增 " + n(rep.inserted) + " 件，更新 " + n(rep.updated) + " 件，未变 " +
      n(rep.unchanged) + " 件，拒收 " + n(rep.rejected) + " 行" + (n(rep.not_proposals) ? "，其中非提案 " + n(rep.not_proposals) + " 件" : "") +
      "。如有误，可在下方撤销这一批。"));
    for (const w of list(rep.warnings).map(obj)) $("i-status").append(el("p", { class: "warn" }, str(w.message)));
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
  const state = undone ? el("td", {}, "已撤销", el("br"), el("small", {}, when(undone) + " " + str(b.undone_by))) : el("td", {}, "有效");
  const action = undone ? "" : el("button", { class: "undo", "data-batch": str(b.id), onclick: () => undo(b) }, "撤销");
  return el("tr", { class: undone ? "undone" : "" },
    el("td", {}, str(b.id)), el("td", {}, when(str(b.at))), el("td", {}, str(b.actor)), el("td", {}, str(b.file)),
    el("td", {}, str(b.added)), el("td", {}, str(b.updated)), el("td", {}, str(b.unchanged)), el("td", {}, str(b.rejected)),
    el("td", {}, str(b.not_proposals)), state, el("td", {}, action));
}

// when shows an RFC 3339 time in the reader's time zone.
function when(at) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const p = (n) => String(n).padStart(2, "0");
  return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
}

async function undo(b) {
  const text = "撤销第 " + str(b.id) + " 批导入（" + str(b.file) + "）？它新增的 " + (Number(b.added) || 0) + " 件将被删除，更新的 " +
    (Number(b.updated) || 0) + " 件恢复为导入前的内容。";
  if (!(await confirmDialog(text, "撤销"))) return;
  const run = begin("batches");
  try {
    let r = obj(await api("POST", "/api/v1/imports/" + encodeURIComponent(str(b.id)) + "/undo"));
    if (r.state === "running" && r.id) r = obj(obj(await follow(str(r.id), $("b-status"), "撤销")).result);
    if (stale("batches", run)) return;
    const removed = list(r.removed).map(str);
    const restored = list(r.restored).map(str);
    const msg = el("p", { class: "report", id: "b-done" }, "已撤销第 " + str(b.id) + " 批导入（" + str(b.file) + "）：删除 " + removed.length +
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
