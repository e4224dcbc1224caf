/* kaderasi service worker (served at /sw.js by kaderasi.offline.views.service_worker).
 *
 * - App shell (CSS, scripts, icons, the offline page): cached at install, cache-first.
 * - Static files: cache-first (their names carry a content hash in production).
 * - Pages: network-first, so a cadre sees fresh data when there is signal; the copy kept from
 *   her last visit (or fetched for her clients after a sync) when there is none. A kept page is
 *   asked for with its ETag: the server answers 304 when it would write the same page, and the
 *   kept copy is shown (kaderasi/core/conditional.py). Answers are kept in the order their
 *   fetches started, so a slow old answer never replaces a newer kept copy (decision 0245).
 * - Media she opened (booklet and SOP illustrations, training video): cache-first, and range
 *   requests are answered from the cached file so a video plays offline. The files a page marks
 *   `data-keep-offline` (the training video) are kept whole when the page asks ("keep-media").
 * - Never cached: the API (its JSON holds personal data), the admin, login, logout.
 * Caches are named with the shell version; a new deploy installs a new worker that drops the old
 * caches. Pages and media are personal: the page asks this worker to clear them on logout.
 */
"use strict";

const CONFIG = {{ config|safe }};
const SHELL_CACHE = `kaderasi-shell-${CONFIG.version}`;
const PAGES_CACHE = `kaderasi-pages-${CONFIG.version}`;
const MEDIA_CACHE = "kaderasi-media-v1";
const KEEP = new Set([SHELL_CACHE, PAGES_CACHE, MEDIA_CACHE]);
const NETWORK_TIMEOUT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) =>
        // The texts and offline page of the default language; another language's are kept
        // when a page in it is first opened (keepLanguage), so a phone downloads only its own.
        cache.addAll([
          ...CONFIG.shell,
          CONFIG.strings[CONFIG.defaultLanguage],
          CONFIG.fallbacks[CONFIG.defaultLanguage],
        ]),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("kaderasi-") && !KEEP.has(name))
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

function isNetworkOnly(url) {
  return CONFIG.networkOnly.some((path) =>
    path.endsWith("/") ? url.pathname.startsWith(path) : url.pathname === path,
  );
}

// The offline app's texts, one small script per language shared by every kept page.
const STRINGS_PATHS = new Set(
  Object.values(CONFIG.strings).map((url) => new URL(url, self.location.origin).pathname),
);

const MEDIA_PATTERNS = CONFIG.mediaPatterns.map((source) => new RegExp(source));

function isMedia(url) {
  return url.pathname.startsWith(CONFIG.mediaPrefix) || MEDIA_PATTERNS.some((re) => re.test(url.pathname));
}

function isStrings(url) {
  return STRINGS_PATHS.has(url.pathname);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isNetworkOnly(url)) return;
  if (url.pathname.startsWith(CONFIG.staticPrefix) || isStrings(url)) {
    event.respondWith(cacheFirst(request, SHELL_CACHE));
  } else if (isMedia(url)) {
    event.respondWith(media(request));
  } else if (request.mode === "navigate" || (request.headers.get("Accept") || "").includes("text/html")) {
    event.respondWith(page(request, url));
  }
});

async function cacheFirst(request, cacheName) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    // Offline, and a page kept before the texts changed asks for their old version: the
    // current one is better than none.
    const url = new URL(request.url);
    const older = isStrings(url) && (await caches.match(url.pathname, { ignoreSearch: true, ignoreVary: true }));
    if (older) return older;
    throw error;
  }
  if (response.ok && response.status === 200) {
    const cache = await caches.open(cacheName);
    cache.put(request, response.clone());
  }
  return response;
}

function keepable(response) {
  // A redirect (to the login page when the session ended) or an error is never kept in place
  // of the page.
  return response && response.status === 200 && !response.redirected && response.type === "basic";
}

// A page's answers are kept in the order their fetches started, not the order they arrive in: an
// answer slow to arrive (written before a change) never replaces a copy a later fetch kept (written
// after it), whether the fetch was a page she opened or a sync's (decision 0245). The numbers live
// as long as this worker does: a worker stopped while idle has no fetch of its own in flight.
let fetchesStarted = 0;
const newestKept = new Map(); // page URL -> number of the fetch whose answer the cache holds
let keeping = Promise.resolve(); // one check-and-write at a time

function fetchStarts() {
  fetchesStarted += 1;
  return fetchesStarted;
}

/** Keep `response`, the answer of the fetch numbered `started` for `request` (a URL or Request),
 * unless a fetch of it that started later has been kept already; `null` records that the server
 * confirmed the kept copy (304). True when kept. */
async function keep(cache, request, started, response) {
  // The whole answer first: it counts once it has arrived, and a slow one holds no other back.
  if (response) await response.clone().arrayBuffer();
  const url = new URL(typeof request === "string" ? request : request.url, self.location.origin).href;
  const kept = keeping.then(async () => {
    if ((newestKept.get(url) || 0) > started) return false;
    if (response) await cache.put(request, response);
    newestKept.set(url, started);
    return true;
  });
  keeping = kept.catch(() => {});
  return kept;
}

/** The page from the network, asked conditionally when a copy is kept (its ETag): a 304 (the
 * server wrote the same page) answers with the kept copy, its own headers and nonce included. */
async function revalidate(url, kept, redirect) {
  const etag = kept && kept.headers.get("ETag");
  const response = await fetch(url, {
    // Past the browser's own HTTP cache, which the kept copy and its ETag already are: that cache
    // holds a second fetch of a URL until the first one's answer is complete (Chromium waits up to
    // 20 s), so one slow answer held the sync's fresher copy back (decision 0245).
    cache: "no-store",
    credentials: "same-origin",
    headers: etag ? { Accept: "text/html", "If-None-Match": etag } : { Accept: "text/html" },
    redirect,
  });
  return response.status === 304 && kept ? kept : response;
}

async function page(request, url) {
  const cache = await caches.open(PAGES_CACHE);
  const kept = await cache.match(request, { ignoreVary: true });
  // Only a navigation is asked again this way (htmx's own requests keep their headers); it
  // follows a redirect itself (to the login page when the session ended).
  const conditional = request.mode === "navigate" && kept && kept.headers.has("ETag");
  const started = fetchStarts();
  const network = (conditional ? revalidate(request.url, kept, "manual") : fetch(request)).then((response) => {
    if (response === kept) {
      keep(cache, request, started, null).catch(() => {});
    } else if (keepable(response)) {
      keep(cache, request, started, response.clone()).catch(() => {});
      keepLanguage(url);
    }
    return response;
  });
  network.catch(() => {}); // a failure is handled below; do not report it twice
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS, null));
  try {
    const response = await Promise.race([network, timeout]);
    if (response) return response;
  } catch (error) {
    // offline: fall through to the kept copy
  }
  if (kept) return kept;
  try {
    return await network; // slow, but there is nothing better to show
  } catch (error) {
    return (await caches.match(fallbackFor(url), { ignoreVary: true })) || Response.error();
  }
}

/** Keep the offline page and texts of the language of `url` (a page in it was just opened). */
function keepLanguage(url) {
  const prefix = url.pathname.split("/")[1];
  if (!(prefix in CONFIG.fallbacks) || prefix === CONFIG.defaultLanguage) return;
  caches.open(SHELL_CACHE).then(async (cache) => {
    for (const extra of [CONFIG.fallbacks[prefix], CONFIG.strings[prefix]]) {
      if (!(await cache.match(extra, { ignoreVary: true }))) await cache.add(extra);
    }
  }).catch(() => {});
}

function fallbackFor(url) {
  const prefix = url.pathname.split("/")[1];
  return CONFIG.fallbacks[prefix] || CONFIG.fallbacks[CONFIG.defaultLanguage];
}

async function media(request) {
  const cache = await caches.open(MEDIA_CACHE);
  const cached = await cache.match(request.url, { ignoreVary: true });
  const range = request.headers.get("Range");
  if (cached) return range ? sliced(cached, range) : cached;
  if (range) {
    // A video asks for ranges; a 206 cannot be cached, so keep the whole file in the background.
    cache.add(request.url).catch(() => {});
    return fetch(request);
  }
  const response = await fetch(request);
  if (response.status === 200) cache.put(request.url, response.clone());
  return response;
}

async function sliced(response, rangeHeader) {
  const blob = await response.blob();
  const match = /^bytes=(\d*)-(\d*)$/.exec(rangeHeader.trim());
  if (!match) return new Response(null, { status: 416 });
  const size = blob.size;
  let start = match[1] === "" ? size - Number(match[2]) : Number(match[1]);
  let end = match[1] === "" || match[2] === "" ? size - 1 : Number(match[2]);
  start = Math.max(0, start);
  end = Math.min(end, size - 1);
  if (start > end) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": response.headers.get("Content-Type") || "application/octet-stream",
      "Content-Range": `bytes ${start}-${end}/${size}`,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    },
  });
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (complete = true) => event.ports[0] && event.ports[0].postMessage({ complete });
  if (data.type === "keep-pages") {
    event.waitUntil(keepPages(data.urls || [], Boolean(data.onlyMissing)).then(reply));
  } else if (data.type === "keep-media") {
    event.waitUntil(keepMedia(data.urls || []).then(reply));
  } else if (data.type === "clear-personal") {
    event.waitUntil(
      caches
        .keys()
        .then((names) =>
          Promise.all(
            names
              .filter((name) => name.startsWith("kaderasi-pages-") || name === MEDIA_CACHE)
              .map((name) => caches.delete(name)),
          ),
        )
        .then(() => reply()),
    );
  }
});

/** Keep the whole files at `urls` (a video) unless kept already; true when all are kept. */
async function keepMedia(urls) {
  const cache = await caches.open(MEDIA_CACHE);
  let complete = true;
  for (const url of urls) {
    if (await cache.match(url, { ignoreVary: true })) continue;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (keepable(response)) await cache.put(url, response);
      else complete = false;
    } catch (error) {
      complete = false;
    }
  }
  return complete;
}

/** Fetch and keep `urls`; true when every one was answered (false: the signal went, and the
 * rest is fetched after the next sync). */
async function keepPages(urls, onlyMissing) {
  const cache = await caches.open(PAGES_CACHE);
  for (const url of urls) {
    const kept = await cache.match(url, { ignoreVary: true });
    if (onlyMissing && kept) continue;
    try {
      const started = fetchStarts();
      const response = await revalidate(url, kept, "follow");
      if (response === kept) await keep(cache, url, started, null);
      else if (keepable(response)) await keep(cache, url, started, response);
    } catch (error) {
      return false;
    }
  }
  return true;
}
