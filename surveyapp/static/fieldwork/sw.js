/* The service worker of the entry pages: serves them and their questionnaire from its cache offline.
 *
 * Pages are fetched from the network first (so a signed-in, online user always gets the current
 * page) and kept; with no network, or none within a few seconds, the kept copy is served. Static
 * files are served from the cache first. A new version renames the caches and deletes the old ones
 * on activation; the queue lives in IndexedDB, which this worker never touches, so an upgrade
 * never strands entries made by the old version.
 */
"use strict";
var VERSION = "v3";
var PAGES = "surveyapp-pages-" + VERSION;
var STATIC = "surveyapp-static-" + VERSION;
var STATIC_FILES = [
  "/static/survey.css",
  "/static/staff.css",
  "/static/fieldwork/fieldwork.css",
  "/static/fieldwork/queue.js",
  "/static/fieldwork/entry.js",
  "/static/relevant.js",
];
var NETWORK_WAIT_MS = 4000;
var ENTRY_PAGE = /^\/entry\/([A-Za-z0-9_-]+(\/paper)?)?$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (cache) { return cache.addAll(STATIC_FILES); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("surveyapp-") === 0 && name !== PAGES && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function pageKey(url) {
  var parsed = new URL(url);
  return parsed.origin + parsed.pathname;
}

function keep(request, response) {
  // Only a page the signed-in user really got: not the sign-in page a redirect led to, not an error.
  if (!response.ok || response.redirected || response.type !== "basic") return;
  var copy = response.clone();
  caches.open(PAGES).then(function (cache) { cache.put(pageKey(request.url), copy); });
}

function fromCache(request) {
  return caches.open(PAGES).then(function (cache) { return cache.match(pageKey(request.url)); });
}

function networkFirst(request) {
  return new Promise(function (resolve, reject) {
    var settled = false;
    var timer = setTimeout(function () {
      fromCache(request).then(function (cached) { if (cached && !settled) { settled = true; resolve(cached); } });
    }, NETWORK_WAIT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      keep(request, response);
      if (!settled) { settled = true; resolve(response); }
    }).catch(function (error) {
      clearTimeout(timer);
      fromCache(request).then(function (cached) {
        if (settled) return;
        settled = true;
        if (cached) resolve(cached); else reject(error);
      });
    });
  });
}

function cacheFirst(request) {
  return caches.match(request, { ignoreSearch: true }).then(function (cached) {
    return cached || fetch(request).then(function (response) {
      if (response.ok) { var copy = response.clone(); caches.open(STATIC).then(function (cache) { cache.put(request, copy); }); }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) { event.respondWith(cacheFirst(request)); return; }
  // The entry pages only: the list, a campaign's interview page and its paper batch screen.
  var isPage = request.mode === "navigate" && ENTRY_PAGE.test(url.pathname);
  if (isPage) event.respondWith(networkFirst(request));
});

self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "cache-pages") return;
  var source = event.source;
  event.waitUntil(caches.open(PAGES).then(function (cache) {
    return Promise.all(event.data.urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(pageKey(url), response);
      }).catch(function () { /* offline: keep what is cached */ });
    })).then(function () { return cache.keys(); });
  }).then(function (kept) {
    if (source) source.postMessage({ type: "pages-cached", count: kept.length });
  }));
});
