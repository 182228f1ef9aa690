/* The answer form's enhancements; without this script the form works the same, all on one page.
   - the skip link goes to the first unanswered question as answers are given;
   - "one question at a time" shows one question per screen, with a progress line, and still
     sends every answer in the one form;
   - "read aloud" buttons speak a question and its options, or the whole page, with the
     browser's speech synthesis, only when it has a voice for the page's language. */
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form) { return; }
  var d = form.dataset, root = document.documentElement;
  function sets() {
    return Array.prototype.filter.call(form.querySelectorAll("fieldset[data-name]"), function (s) { return !s.hidden; });
  }
  function answered(set) {
    return Array.prototype.some.call(set.querySelectorAll("input, textarea"), function (i) {
      if (i.name !== set.dataset.field) { return false; }
      return (i.type === "radio" || i.type === "checkbox") ? i.checked : i.value.trim() !== "";
    });
  }
  function firstInput(set) { return set.querySelector("input:checked") || set.querySelector("input, textarea"); }

  /* Skip link to the first unanswered question. */
  var skip = document.querySelector("[data-skip-unanswered]");
  function updateSkip() {
    if (!skip) { return; }
    var open = sets().filter(function (s) { return !answered(s); })[0];
    skip.hidden = !open;
    if (open) { skip.setAttribute("href", "#" + open.id); }
  }
  // The skip link and the error summary's links: to the question's first choice (and its screen).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    var set = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!set || !set.matches("fieldset[data-name]") || set.hidden) { return; }
    if (steps) { steps.show(sets().indexOf(set)); }
    var input = firstInput(set);
    // After the browser has followed the link (the address keeps the question's anchor).
    if (input) { setTimeout(function () { input.focus(); set.scrollIntoView({ block: "start" }); }, 0); }
  });

  /* One question at a time. */
  var steps = null, stepButton = form.querySelector("[data-needs-script]");
  if (stepButton) { stepButton.hidden = false; }
  if (root.classList.contains("mode-steps") && form.querySelector(".display-modes")) {
    steps = (function () {
      var current = 0, submit = form.querySelector(".button[type=submit]");
      var progress = document.createElement("p");
      progress.className = "progress";
      progress.id = "step-progress";
      progress.setAttribute("aria-live", "polite");
      var nav = document.createElement("div");
      nav.className = "step-nav";
      function button(text, move) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "button secondary";
        b.textContent = text;
        b.addEventListener("click", function () { show(current + move, true); });
        nav.appendChild(b);
        return b;
      }
      var previous = button(d.previous, -1), next = button(d.next, 1);
      var list = sets();
      list[0].parentNode.insertBefore(progress, list[0]);
      submit.parentNode.insertBefore(nav, submit);
      function show(index, focus) {
        list = sets();
        current = Math.max(0, Math.min(index, list.length - 1));
        var shown = list[current];
        form.querySelectorAll("fieldset[data-name], .note, .group").forEach(function (el) {
          var keep = el === shown || el.contains(shown) ||
            (el.classList.contains("note") && followedBy(el, shown));
          el.classList.toggle("step-off", !keep);
        });
        var place = shown.parentNode;
        place.insertBefore(progress, shown);
        progress.textContent = d.progress.replace("{n}", current + 1).replace("{total}", list.length);
        previous.hidden = current === 0;
        next.hidden = current === list.length - 1;
        submit.hidden = current !== list.length - 1;
        if (focus) { var input = firstInput(shown); if (input) { input.focus(); } }
      }
      function followedBy(note, set) {
        var el = note.nextElementSibling;
        while (el && !el.matches("fieldset[data-name]")) { el = el.nextElementSibling; }
        return el === set;
      }
      var wrong = form.querySelector("fieldset.has-error");
      show(wrong ? list.indexOf(wrong) : 0, false);
      form.addEventListener("change", function () { show(current, false); });
      return { show: show };
    }());
  }
  form.addEventListener("change", updateSkip);
  form.addEventListener("input", updateSkip);
  updateSkip();

  /* Read aloud. */
  var speech = window.speechSynthesis, lang = root.lang || "zh-CN";
  if (!speech || !window.SpeechSynthesisUtterance) { return; }
  function voice() {
    var base = lang.slice(0, 2).toLowerCase();
    return (speech.getVoices() || []).filter(function (v) {
      return (v.lang || "").replace("_", "-").slice(0, 2).toLowerCase() === base;
    })[0] || null;
  }
  function words(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }
  function spoken(set) {
    var parts = [words(set.querySelector("legend")), words(set.querySelector(".hint")), words(set.querySelector(".error-message"))];
    set.querySelectorAll("label.option").forEach(function (label) {
      var input = label.querySelector("input");
      parts.push(words(label) + (input && input.checked ? "，" + d.chosen : ""));
    });
    return parts.filter(Boolean).join("。 ");
  }
  function say(texts) {
    speech.cancel();
    var found = voice();
    texts.forEach(function (text) {
      var u = new window.SpeechSynthesisUtterance(text);
      u.lang = lang;
      try { if (found) { u.voice = found; } } catch (e) { /* the language alone then picks it */ }
      u.rate = 0.9;
      speech.speak(u);
    });
  }
  var added = false;
  function addButtons() {
    if (added || !voice()) { return; }
    added = true;
    var all = document.createElement("button");
    all.type = "button";
    all.className = "mode-button read-all";
    all.textContent = d.readAll;
    all.addEventListener("click", function () {
      if (speech.speaking) { speech.cancel(); return; }
      var heading = words(document.querySelector("h1"));
      say([heading].concat(sets().filter(function (s) { return !s.classList.contains("step-off"); }).map(spoken)));
    });
    var control = form.querySelector(".display-modes");
    if (control) { control.appendChild(all); }
    sets().forEach(function (set) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "mode-button read-button";
      b.textContent = d.read;
      b.setAttribute("aria-describedby", set.querySelector("legend").id);
      b.addEventListener("click", function () { say([spoken(set)]); });
      set.querySelector("legend").insertAdjacentElement("afterend", b);
    });
  }
  addButtons();
  if (speech.addEventListener) { speech.addEventListener("voiceschanged", addButtons); }
}());
