/* The entry pages with JavaScript: each completed entry goes into the device's queue (queue.js)
 * and the form is ready for the next one at once, online or not. On the paper batch screen every
 * single-choice question takes one keystroke (the option's letter or its number) and moves on by
 * itself; the last one saves the sheet. Fields are read generically (FormData of the named inputs),
 * so every question type the form builder renders is queued without more code here.
 */
(function () {
  "use strict";
  var Q = window.SurveyappQueue;
  var config = document.getElementById("entry-config");
  var form = config && config.closest("form");
  if (!Q || !form) return;
  var kind = config.dataset.entryKind;
  var slug = config.dataset.campaign;
  var STICKY = kind === "paper" ? ["batch_size", "respondent_area", "batch", "answered_on"] : ["channel", "respondent_area", "answered_on"];
  var SKIP = ["csrf_token"];
  var batchKey = "surveyapp-batch:" + slug;
  var editing = null;
  var status = document.getElementById("entry-status");

  function questions() {
    return Array.prototype.filter.call(form.querySelectorAll("fieldset.question"), function (fs) {
      return !fs.hidden && !fs.disabled && fs.offsetParent !== null;
    });
  }

  function pairs() {
    var result = [];
    new FormData(form).forEach(function (value, name) {
      if (SKIP.indexOf(name) < 0 && typeof value === "string") result.push([name, value]);
    });
    return result;
  }

  function value(name) {
    var field = form.elements.namedItem(name);
    if (!field) return "";
    return field.value !== undefined ? field.value : "";
  }

  function fill(fields) {
    form.reset();
    var byName = {};
    fields.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Object.keys(byName).forEach(function (name) {
      var values = byName[name];
      Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (input) {
        if (input.type === "radio" || input.type === "checkbox") input.checked = values.indexOf(input.value) >= 0;
        else if (input.tagName === "SELECT" && input.multiple) Array.prototype.forEach.call(input.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
        else input.value = values[0];
      });
    });
  }

  function announce(text) { if (status) status.textContent = text; }

  /* Batch state (paper): kept on the device, so a reload or a closed browser resumes the batch. */
  function batch() {
    try { return JSON.parse(localStorage.getItem(batchKey)) || null; } catch (e) { return null; }
  }
  function saveBatch(state) { localStorage.setItem(batchKey, JSON.stringify(state)); }

  function nextSerial(serial) {
    var match = /^(.*?)(\d+)$/.exec(serial);
    if (!match) return "";
    var number = String(Number(match[2]) + 1);
    while (number.length < match[2].length) number = "0" + number;
    return match[1] + number;
  }

  function codes(fields) {
    return questions().map(function (fs) {
      var names = {};
      Array.prototype.forEach.call(fs.querySelectorAll("[name]"), function (i) { names[i.name] = true; });
      var given = fields.filter(function (p) { return names[p[0]] && p[1] !== ""; }).map(function (p) { return p[1]; });
      return given.length ? given.join("+") : "·";
    }).join(" ");
  }

  function renderBatch() {
    if (kind !== "paper") return;
    var state = batch();
    var list = document.getElementById("batch-sheets");
    var count = document.getElementById("batch-count");
    if (!state || !list) return;
    var size = Number(value("batch_size")) || state.size || 0;
    count.textContent = size ? Q.say("batch_count", { n: state.sheets.length, size: size }) : Q.say("batch_count_open", { n: state.sheets.length });
    list.textContent = "";
    state.sheets.slice().reverse().forEach(function (sheet) {
      var li = document.createElement("li");
      var label = Q.say("sheet_" + sheet.state, { serial: sheet.serial, id: sheet.id || "", reason: sheet.reason || "" });
      li.appendChild(document.createTextNode(label + " " + sheet.codes + " "));
      if (sheet.state === "stored" && sheet.id) {
        var link = document.createElement("a");
        link.href = config.dataset.correctUrl.replace("/0/", "/" + sheet.id + "/");
        link.textContent = Q.say("correct");
        li.appendChild(link);
      } else {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link-button";
        button.textContent = Q.say("correct");
        button.addEventListener("click", function () { edit(sheet.submission_id); });
        li.appendChild(button);
      }
      list.appendChild(li);
    });
  }

  function track(item) {
    if (kind !== "paper") return;
    var state = batch() || { batch: value("batch"), sheets: [] };
    state.size = Number(value("batch_size")) || state.size || 0;
    state.area = value("respondent_area");
    state.batch = value("batch") || state.batch;
    state.sheets = state.sheets.filter(function (s) { return s.submission_id !== item.submission_id; });
    state.sheets.push({ submission_id: item.submission_id, serial: item.sheet.serial, codes: item.sheet.codes, state: "waiting" });
    saveBatch(state);
  }

  function updateSheet(submissionId, changes) {
    var state = batch();
    if (!state) return;
    state.sheets.forEach(function (s) { if (s.submission_id === submissionId) Object.keys(changes).forEach(function (k) { s[k] = changes[k]; }); });
    saveBatch(state);
    laterRenderBatch();
  }

  var batchTimer = null;
  function laterRenderBatch() {
    if (batchTimer === null) batchTimer = setTimeout(function () { batchTimer = null; renderBatch(); }, 0);
  }

  function serialTaken(serial, ownId) {
    var state = batch();
    if (!state) return null;
    return state.sheets.filter(function (s) { return s.serial === serial && s.submission_id !== ownId; })[0] || null;
  }

  function resetForNext(lastSerial) {
    var keep = {};
    STICKY.forEach(function (name) { keep[name] = pairs().filter(function (p) { return p[0] === name; }); });
    form.reset();
    Object.keys(keep).forEach(function (name) { if (keep[name].length) fillOne(name, keep[name][0][1]); });
    form.elements.namedItem("submission_id").value = Q.newSubmissionId();
    editing = null;
    if (kind === "paper") {
      var serial = form.elements.namedItem("sheet_serial");
      serial.value = nextSerial(lastSerial || "");
      serial.focus();
      serial.select();
    } else {
      window.scrollTo(0, 0);
      var first = form.querySelector("input, select, textarea");
      if (first) first.focus();
    }
  }

  function fillOne(name, v) {
    Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (input) {
      if (input.type === "radio" || input.type === "checkbox") input.checked = input.value === v; else input.value = v;
    });
  }

  function edit(submissionId) {
    Q.all().then(function (items) {
      var item = items.filter(function (i) { return i.submission_id === submissionId; })[0];
      if (!item) { announce(Q.say("already_sent")); return; }
      item.state = "held"; // not sent while it is being corrected
      return Q.put(item).then(function () {
        editing = item;
        fill(item.fields);
        announce(Q.say("editing"));
        var first = kind === "paper" ? form.elements.namedItem("sheet_serial") : form.querySelector("input, select, textarea");
        if (first) first.focus();
      });
    });
  }

  form.addEventListener("submit", function (event) {
    // A display button (large text, high contrast...) asks the server for the same page: let it go.
    if (event.submitter && event.submitter.name === "display") return;
    event.preventDefault();
    var fields = pairs();
    var submissionId = value("submission_id");
    var serial = value("sheet_serial");
    if (kind === "paper") {
      if (!serial.trim()) { announce(Q.say("serial_needed")); form.elements.namedItem("sheet_serial").focus(); return; }
      var first = serialTaken(serial.trim(), submissionId);
      if (first) {
        announce(Q.say("serial_taken", { serial: serial, codes: first.codes, id: first.id || "" }));
        form.elements.namedItem("sheet_serial").focus();
        form.elements.namedItem("sheet_serial").select();
        return;
      }
    }
    var item = { submission_id: submissionId, kind: kind, campaign: slug, label: config.dataset.campaignName, url: config.dataset.syncUrl, fields: fields, saved_at: editing ? editing.saved_at : null };
    if (kind === "paper") item.sheet = { batch: value("batch"), serial: serial.trim(), codes: codes(fields) };
    Q.enqueue(item).then(function () {
      track(item);
      renderBatch();
      announce(kind === "paper" ? Q.say("sheet_kept", { serial: serial }) : Q.say("entry_kept"));
      resetForNext(serial);
    }).catch(function () { announce(Q.say("not_kept")); });
  });

  Q.onEvent(function (event) {
    if (event.type === "confirmed") updateSheet(event.item.submission_id, { state: "stored", id: event.id });
    if (event.type === "refused") updateSheet(event.item.submission_id, { state: "refused", reason: event.item.reason });
    if (event.type === "render-refused" && event.item.campaign === slug && event.item.kind === kind) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = Q.say("correct");
      button.addEventListener("click", function () { edit(event.item.submission_id); });
      event.element.appendChild(document.createTextNode(" "));
      event.element.appendChild(button);
    }
  });

  /* Keyboard entry (paper): Enter moves on from the batch fields and the serial; a letter or a
   * number answers a single-choice question and moves to the next; 0 or Space leaves it blank;
   * Backspace goes back one question; the last answer saves the sheet. */
  function focusQuestion(index) {
    var list = questions();
    if (index >= list.length) { form.requestSubmit(); return; }
    var fs = list[Math.max(index, 0)];
    var input = fs.querySelector("input:checked") || fs.querySelector("input, select, textarea");
    if (input) input.focus();
  }

  function isSingleChoice(fs) {
    var inputs = fs.querySelectorAll("input, select, textarea");
    var names = {};
    var radios = true;
    Array.prototype.forEach.call(inputs, function (i) { names[i.name] = true; if (i.type !== "radio") radios = false; });
    return inputs.length > 0 && radios && Object.keys(names).length === 1;
  }

  var NEXT_ON_ENTER = { batch_size: "respondent_area", respondent_area: "sheet_serial" };
  form.addEventListener("keydown", function (event) {
    if (kind !== "paper" || event.ctrlKey || event.altKey || event.metaKey) return;
    var target = event.target;
    if (event.key === "Enter" && NEXT_ON_ENTER[target.name]) {
      event.preventDefault();
      form.elements.namedItem(NEXT_ON_ENTER[target.name]).focus();
      return;
    }
    if (event.key === "Enter" && target.name === "sheet_serial") { event.preventDefault(); focusQuestion(0); return; }
    var fs = target.closest && target.closest("fieldset.question");
    if (!fs) return;
    var index = questions().indexOf(fs);
    if (event.key === "Backspace" && (isSingleChoice(fs) || !target.value)) { event.preventDefault(); focusQuestion(index - 1); return; }
    if (!isSingleChoice(fs)) {
      if (event.key === "Enter" && target.tagName !== "TEXTAREA") { event.preventDefault(); focusQuestion(index + 1); }
      return;
    }
    var radios = Array.prototype.slice.call(fs.querySelectorAll("input[type=radio]"));
    var key = event.key.length === 1 ? event.key.toUpperCase() : event.key;
    var chosen = radios.filter(function (r) { return r.value.toUpperCase() === key; })[0];
    if (!chosen && /^[1-9]$/.test(key)) chosen = radios[Number(key) - 1];
    if (chosen) {
      event.preventDefault();
      chosen.checked = true;
      chosen.dispatchEvent(new Event("change", { bubbles: true }));
      focusQuestion(index + 1);
    } else if (key === "0" || key === " ") {
      event.preventDefault();
      radios.forEach(function (r) { r.checked = false; });
      focusQuestion(index + 1);
    } else if (key === "Enter") {
      event.preventDefault();
      focusQuestion(index + 1);
    }
  });

  var newBatch = document.getElementById("batch-new");
  if (newBatch) {
    newBatch.hidden = false;
    newBatch.addEventListener("click", function () {
      form.elements.namedItem("batch").value = Q.newSubmissionId().slice(0, 40);
      form.elements.namedItem("batch_size").value = "";
      saveBatch({ batch: value("batch"), size: 0, area: value("respondent_area"), sheets: [] });
      renderBatch();
      form.elements.namedItem("batch_size").focus();
    });
  }

  /* The browser writes localStorage to disk lazily, so a phone switched off right after a sheet
   * may come back without the batch's list. Each queued sheet carries its batch, serial and codes
   * in IndexedDB (written before the sheet counts as kept), so the list is rebuilt from there. */
  function field(item, name) {
    var pair = item.fields.filter(function (p) { return p[0] === name; })[0];
    return pair ? pair[1] : "";
  }

  function recover() {
    return Q.all().then(function (items) {
      var sheets = items.filter(function (i) { return i.campaign === slug && i.kind === "paper" && i.sheet; });
      if (!sheets.length) return;
      sheets.sort(function (a, b) { return a.saved_at < b.saved_at ? -1 : 1; });
      var state = batch();
      if (!state) {
        var last = sheets[sheets.length - 1];
        state = { batch: last.sheet.batch, size: Number(field(last, "batch_size")) || 0, area: field(last, "respondent_area"), sheets: [] };
      }
      var known = {};
      state.sheets.forEach(function (s) { known[s.submission_id] = true; });
      sheets.forEach(function (item) {
        if (item.sheet.batch !== state.batch || known[item.submission_id]) return;
        state.sheets.push({ submission_id: item.submission_id, serial: item.sheet.serial, codes: item.sheet.codes, state: item.state === "refused" ? "refused" : "waiting", reason: item.reason || "" });
      });
      saveBatch(state);
    }).catch(function () { /* no readable queue: the list starts from what localStorage kept */ });
  }

  function resume() {
    var state = batch();
    if (state) {
      fillOne("batch", state.batch);
      if (state.size) fillOne("batch_size", String(state.size));
      if (state.area) fillOne("respondent_area", state.area);
      var last = state.sheets.length ? state.sheets[state.sheets.length - 1].serial : "";
      form.elements.namedItem("sheet_serial").value = nextSerial(last);
    } else {
      saveBatch({ batch: value("batch"), size: Number(value("batch_size")) || 0, area: value("respondent_area"), sheets: [] });
    }
    renderBatch();
  }

  /* The keyboard starts where the typing starts: the batch's size for a new batch, the next
   * sheet's serial (offered and selected, so typing replaces it) for a resumed one. Nothing is
   * moved if the user has already put the focus somewhere. */
  function focusStart() {
    if (document.activeElement && document.activeElement !== document.body) return;
    var state = batch();
    if (state && state.size) {
      var serial = form.elements.namedItem("sheet_serial");
      serial.focus();
      serial.select();
    } else {
      form.elements.namedItem("batch_size").focus();
    }
  }

  /* Resume: a new id for this page's next entry, and the batch this device was typing in. */
  form.elements.namedItem("submission_id").value = Q.newSubmissionId();
  if (kind === "paper") {
    form.elements.namedItem("batch_size").addEventListener("change", function () {
      var s = batch(); if (s) { s.size = Number(value("batch_size")) || 0; saveBatch(s); renderBatch(); }
    });
    form.elements.namedItem("respondent_area").addEventListener("change", function () {
      var s = batch(); if (s) { s.area = value("respondent_area"); saveBatch(s); }
    });
    recover().then(function () { resume(); focusStart(); config.dataset.ready = "true"; });
  } else {
    config.dataset.ready = "true";
  }
})();
