/* Skip logic as the respondent answers: shows and hides the questions, groups and notes whose
   data-relevant (an expression tree the server made from XLSForm's "relevant") holds or not.
   The server decides again on submit, so without this script nothing is lost. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-skip-logic]");
  if (!form) { return; }
  function values() {
    var found = {};
    form.querySelectorAll("fieldset[data-name]").forEach(function (set) {
      if (set.hidden) { return; }
      var chosen = [];
      set.querySelectorAll("input, textarea").forEach(function (input) {
        if (input.name !== set.dataset.field) { return; }
        if (input.type === "radio" || input.type === "checkbox") {
          if (input.checked) { chosen.push(input.value); }
        } else if (input.value.trim()) { chosen.push(input.value.trim()); }
      });
      var multiple = set.querySelector("input[type=checkbox][name='" + set.dataset.field + "']");
      found[set.dataset.name] = multiple ? chosen : (chosen[0] || "");
    });
    return found;
  }
  function num(v) {
    if (typeof v === "boolean") { return v ? 1 : 0; }
    if (typeof v === "number") { return v; }
    if (Array.isArray(v)) { v = v.join(" "); }
    var d = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(v);  // a date: days since 1970, as ODK counts
    if (d) { return Date.UTC(+d[1], d[2] - 1, +d[3]) / 864e5; }
    return v.trim() === "" ? NaN : Number(v);
  }
  function today() {
    var n = new Date(), p = function (x) { return (x < 10 ? "0" : "") + x; };
    return n.getFullYear() + "-" + p(n.getMonth() + 1) + "-" + p(n.getDate());
  }
  function str(v) { return Array.isArray(v) ? v.join(" ") : String(v); }
  function bool(v) {
    if (typeof v === "number") { return v !== 0 && !isNaN(v); }
    return Array.isArray(v) ? v.length > 0 : Boolean(v);
  }
  function list(v) { return Array.isArray(v) ? v : str(v).split(/\s+/).filter(Boolean); }
  function evaluate(t, a) {
    var k = t[0];
    if (k === "num" || k === "str") { return t[1]; }
    if (k === "ref") { return a[t[1]] === undefined ? "" : a[t[1]]; }
    if (k === "dot") { return ""; }
    if (k === "call") {
      var x = t.slice(2).map(function (p) { return evaluate(p, a); });
      switch (t[1]) {
        case "true": return true;
        case "false": return false;
        case "not": return !bool(x[0]);
        case "selected": return list(x[0]).indexOf(str(x[1]).trim()) >= 0;
        case "count-selected": return list(x[0]).length;
        case "string-length": return str(x[0]).length;
        case "number": return num(x[0]);
        case "today": return today();
        case "date": return /^\d{4}-\d{2}-\d{2}$/.test(str(x[0]).trim()) ? str(x[0]).trim() : "";
        default: try { return new RegExp(str(x[1])).test(str(x[0])); } catch (e) { return false; }
      }
    }
    var op = t[1], l = evaluate(t[2], a);
    if (op === "and" || op === "or") {
      return bool(l) === (op === "or") ? op === "or" : bool(evaluate(t[3], a));
    }
    var r = evaluate(t[3], a);
    if (op === "=" || op === "!=") {
      var eq;
      if (typeof l === "boolean" || typeof r === "boolean") { eq = bool(l) === bool(r); }
      else if (typeof l === "number" || typeof r === "number") { eq = num(l) === num(r); }
      else { eq = str(l) === str(r); }
      return op === "=" ? eq : !eq;
    }
    var p = num(l), q = num(r);
    switch (op) {
      case "<": return p < q;
      case "<=": return p <= q;
      case ">": return p > q;
      case ">=": return p >= q;
      case "+": return p + q;
      case "-": return p - q;
      case "*": return p * q;
      case "div": return q === 0 ? NaN : p / q;
      default: return q === 0 ? NaN : p % q;
    }
  }
  function update() {
    // In order, so a question hidden early reads as unanswered to those after it.
    form.querySelectorAll("[data-relevant]").forEach(function (element) {
      var tree;
      try { tree = JSON.parse(element.dataset.relevant); } catch (e) { return; }
      var shown = bool(evaluate(tree, values()));
      element.hidden = !shown;
      element.querySelectorAll("input, textarea").forEach(function (input) { input.disabled = !shown; });
    });
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  // A reset (the entry pages clear the form for the next interview) fires before the fields change.
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  update();
}());
