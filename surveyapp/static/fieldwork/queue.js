/* The device's queue of completed entries: kept in IndexedDB until the server confirms each one.
 *
 * Every entry is written here the moment it is completed, with its submission id, and sent in the
 * background: at once, when the network returns, every 30 seconds while any wait, and on the
 * "Send now" button. An entry leaves the device only when the server answers that it is stored
 * (201) or was stored before (200). A refusal keeps it, with the server's reason, for correction or
 * for saving as a file. The database is versioned: a newer version of this script adds stores or
 * fields in onupgradeneeded and never drops the queue.
 */
(function () {
  "use strict";
  var DB_NAME = "surveyapp-fieldwork";
  var DB_VERSION = 1;
  var STORE = "queue";
  var RETRY_MS = 30000;
  var PARALLEL = 1;
  var panel = document.getElementById("fieldwork-queue");
  if (!panel || !window.indexedDB) return;
  var messages = JSON.parse(document.getElementById("fieldwork-messages").textContent);
  var token = null;
  var syncing = false;
  var again = false; // asked to sync while a sync was under way
  var listeners = [];

  function say(key, values) {
    var text = messages[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  var connection = null;

  /* One connection for the page; it steps aside when a newer version of the page upgrades the schema. */
  function openDb() {
    if (connection) return connection;
    connection = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) {
          db.createObjectStore(STORE, { keyPath: "submission_id" });
        }
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); connection = null; };
        resolve(db);
      };
      request.onerror = function () { connection = null; reject(request.error); };
    });
    return connection;
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function all() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function put(item) { return withStore("readwrite", function (store) { store.put(item); }); }
  function remove(id) { return withStore("readwrite", function (store) { store.delete(id); }); }

  function randomPart() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    var text = "";
    bytes.forEach(function (b) { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /* An id bound to the signed-in account: the server accepts only its own account's ids. */
  function newSubmissionId() { return "u" + panel.dataset.user + "-" + randomPart(); }

  function enqueue(item) {
    item.state = "waiting";
    item.saved_at = item.saved_at || new Date().toISOString();
    return put(item).then(function () { render(); schedule(); return item; });
  }

  function fetchToken() {
    return fetch(panel.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { showSignIn(true); return null; }
        if (!response.ok) return null;
        return response.json().then(function (body) {
          showSignIn(false);
          token = body.csrf_token;
          return token;
        });
      });
  }

  function post(item, retried) {
    var ready = token ? Promise.resolve(token) : fetchToken();
    return ready.then(function (csrf) {
      if (!csrf) return "stop";
      return fetch(item.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        body: new URLSearchParams(item.fields),
      }).then(function (response) {
        if (response.status === 400 && !retried) { token = null; return post(item, true); }
        if (response.status === 401) { token = null; showSignIn(true); return "stop"; }
        return response.json().catch(function () { return null; }).then(function (body) {
          return settle(item, response, body);
        });
      });
    });
  }

  function settle(item, response, body) {
    if (body && (body.status === "stored" || body.status === "duplicate")) {
      return remove(item.submission_id).then(function () {
        notify({ type: "confirmed", item: item, id: body.id });
        return "ok";
      });
    }
    if (body && (body.status === "refused" || (body.error && response.status < 500))) {
      item.state = "refused";
      item.reason = body.reason || (body.error && body.error.message) || String(response.status);
      item.errors = body.errors || {};
      return put(item).then(function () { notify({ type: "refused", item: item }); return "ok"; });
    }
    return "stop"; // the server is busy or gone: keep waiting, try again later
  }

  /* Send every waiting entry, oldest first, one request at a time (SQLite servers take one writer
   * at a time; a second request would only wait); never two syncs at once. The server stores each
   * submission id once, so a request repeated after a lost reply is harmless. */
  function syncAll() {
    if (syncing) { again = true; return Promise.resolve(); } // sent when the sync under way ends
    if (navigator.onLine === false) return render(); // the "online" event starts the next attempt
    syncing = true;
    setBusy(true);
    var stopped = false;
    return all().then(function (items) {
      var waiting = items.filter(function (item) { return item.state === "waiting"; });
      waiting.sort(function (a, b) { return a.saved_at < b.saved_at ? -1 : 1; });
      function worker() {
        var item = waiting.shift();
        if (!item || stopped) return Promise.resolve();
        return post(item, false).then(function (outcome) {
          if (outcome === "stop") stopped = true;
          return worker();
        });
      }
      // The token is fetched once, before the workers share it.
      return (token ? Promise.resolve(token) : fetchToken()).then(function (csrf) {
        if (!csrf) { stopped = true; return null; }
        var workers = [];
        for (var i = 0; i < PARALLEL; i += 1) workers.push(worker());
        return Promise.all(workers);
      });
    }).catch(function () { stopped = true; }).then(function () {
      syncing = false;
      setBusy(false);
      // An entry saved while this sync ran was not in its list: send it now, not at the next retry
      // (unless the network or the session stopped this one: the retry and "online" handle that).
      var rerun = again && !stopped;
      again = false;
      return render().then(function () { return rerun ? syncAll() : undefined; });
    });
  }

  var timer = null;
  function schedule() {
    if (timer === null) timer = window.setInterval(function () { syncAll(); }, RETRY_MS);
    syncAll();
  }

  function setBusy(busy) { panel.setAttribute("aria-busy", busy ? "true" : "false"); }

  function showSignIn(shown) { document.getElementById("fieldwork-signin").hidden = !shown; }

  function notify(event) { listeners.forEach(function (listener) { listener(event); }); }

  var pendingRender = null;

  /* Redraw once for any number of changes made in the same moment. */
  function render() {
    if (!pendingRender) {
      pendingRender = new Promise(function (resolve) { setTimeout(resolve, 0); }).then(function () {
        pendingRender = null;
        return draw();
      });
    }
    return pendingRender;
  }

  function draw() {
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting" || i.state === "held"; });
      var refused = items.filter(function (i) { return i.state === "refused"; });
      panel.hidden = false;
      document.getElementById("fieldwork-count").textContent = items.length
        ? say("waiting", { n: waiting.length }) + (refused.length ? " " + say("refused", { n: refused.length }) : "")
        : say("nothing");
      document.getElementById("fieldwork-export").hidden = items.length === 0;
      var list = document.getElementById("fieldwork-refused");
      list.textContent = "";
      refused.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = say("refused_item", { label: item.label || item.campaign, saved: item.saved_at.slice(0, 16).replace("T", " "), reason: item.reason });
        li.dataset.submissionId = item.submission_id;
        list.appendChild(li);
        notify({ type: "render-refused", item: item, element: li });
      });
      notify({ type: "rendered", items: items });
      return items;
    });
  }

  function exportFile() {
    all().then(function (items) {
      var payload = {
        format: "surveyapp-entries",
        version: 1,
        exported_at: new Date().toISOString(),
        entries: items.map(function (i) {
          return { campaign: i.campaign, kind: i.kind, submission_id: i.submission_id, fields: i.fields, saved_at: i.saved_at, state: i.state, reason: i.reason || null };
        }),
      };
      var blob = new Blob([JSON.stringify(payload, null, 1)], { type: "application/json" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "surveyapp-entries-" + new Date().toISOString().slice(0, 10) + ".json";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.type !== "pages-cached") return;
      panel.dataset.offlineReady = "true";
      document.getElementById("fieldwork-offline").textContent = say("offline_ready");
    });
    navigator.serviceWorker.register(panel.dataset.swUrl, { scope: panel.dataset.swScope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var pages = Array.prototype.map.call(document.querySelectorAll("[data-offline-page]"), function (a) { return a.href; });
      pages.push(location.pathname);
      if (registration.active) registration.active.postMessage({ type: "cache-pages", urls: pages });
    }).catch(function () { /* without a worker the page still works online */ });
  }

  document.getElementById("fieldwork-send").addEventListener("click", function () { token = null; syncAll(); });
  document.getElementById("fieldwork-export").addEventListener("click", exportFile);
  window.addEventListener("online", function () { token = null; syncAll(); });

  window.SurveyappQueue = {
    enqueue: enqueue,
    all: all,
    put: put,
    remove: remove,
    render: render,
    syncAll: syncAll,
    say: say,
    newSubmissionId: newSubmissionId,
    onEvent: function (listener) { listeners.push(listener); },
    isSyncing: function () { return syncing; },
  };
  registerWorker();
  render().then(function (items) {
    if (items.some(function (i) { return i.state === "held"; })) {
      // A page closed while an entry was being corrected: put it back in line.
      return Promise.all(items.filter(function (i) { return i.state === "held"; }).map(function (i) { i.state = "waiting"; return put(i); }));
    }
  }).then(function () { schedule(); });
})();
