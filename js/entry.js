// ---- The handover console's entry, appended by tools/entry.mjs to the wasm-bindgen module
// ---- (`__wbg_init`, `mountConsole` above). The build writes it as dist/handover-console.js:
// ---- a stable name a host page can include; it loads the content-hashed wasm beside it.
const hocWasmUrl = new URL("__WASM__", import.meta.url);
const hocCssUrl = new URL("__CSS__", import.meta.url);
const hocConfigUrl = new URL("config.json", import.meta.url);
let hocBooting = null;
// Mounted apps stay referenced here until unmounted, whatever the host keeps.
const hocLive = new Set();

// The module and config.json (optional: a missing file is no error) load in parallel, once
// per page however often the app is mounted.
function hocBoot() {
  if (!hocBooting) {
    const config = fetch(hocConfigUrl, { credentials: "same-origin", cache: "no-cache" }).then(
      (r) => (r.ok ? r.text() : undefined),
      () => undefined,
    );
    hocBooting = Promise.all([__wbg_init({ module_or_path: hocWasmUrl }), config]).then(
      ([, text]) => text,
    );
  }
  return hocBooting;
}

// A host page that only includes this script gets the stylesheet too (one <link>, `style-src
// 'self'` allows it; no inline style).
function hocStyles() {
  const linked = [...document.querySelectorAll('link[rel="stylesheet"]')].some(
    (l) => l.href === hocCssUrl.href,
  );
  if (!linked) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = hocCssUrl.href;
    document.head.append(link);
  }
}

// The module itself did not load (network, blocked by policy): say so inside the element.
function hocFailed(element, error) {
  console.error("handover console: failed to start", error);
  const en = !(navigator.language || "").toLowerCase().startsWith("zh");
  const p = document.createElement("p");
  p.setAttribute("role", "alert");
  p.className = "hoc-boot-error";
  p.textContent = en
    ? "The handover console could not load. Check the network connection and reload the page."
    : "离职继承控制台未能加载。请检查网络连接后重新加载页面。";
  element.replaceChildren(p);
}

function hocMount(element, options, standalone, custom) {
  hocStyles();
  let inner = null;
  let gone = false;
  const queued = [];
  const ready = hocBoot().then((configText) => {
    if (gone) return;
    element.replaceChildren();
    inner = mountConsole(element, options, configText, standalone, custom);
    hocLive.add(inner);
    for (const call of queued.splice(0)) call();
  });
  ready.catch((e) => hocFailed(element, e));
  const when = (call) => (inner ? call() : (queued.push(call), undefined));
  return {
    /** Resolves once the app is mounted. */
    ready,
    /** Removes the app; its listeners, timers, requests and workers end with it. */
    unmount() {
      gone = true;
      queued.length = 0;
      if (inner) {
        hocLive.delete(inner);
        inner.unmount();
        inner.free();
        inner = null;
      }
    },
    /** A new bearer token (after `handover:unauthenticated`); what waited retries. */
    setToken(token) {
      return when(() => inner && inner.setToken(String(token)));
    },
    /** "zh-CN", "zh-TW" or "en"; false for a language the app does not speak. */
    setLocale(tag) {
      return when(() => inner && inner.setLocale(String(tag)));
    },
  };
}

/**
 * Mounts the console into `element` (its children are replaced). `options` are settings (see
 * the README's "Embedding" section); they win over config.json, <meta> tags and data-*
 * attributes. Returns { ready, unmount(), setToken(token), setLocale(tag) }.
 */
export function mountHandover(element, options) {
  if (!(element instanceof HTMLElement)) {
    throw new TypeError("mountHandover(element, options): element must be an HTMLElement");
  }
  return hocMount(element, options, false, false);
}

/** <handover-console api-base="/api" locale="en" …>: every attribute is a setting. */
class HandoverConsoleElement extends HTMLElement {
  connectedCallback() {
    if (!this.hocHandle) this.hocHandle = hocMount(this, undefined, false, true);
  }
  disconnectedCallback() {
    const handle = this.hocHandle;
    this.hocHandle = null;
    if (handle) handle.unmount();
  }
  setToken(token) {
    return this.hocHandle?.setToken(token);
  }
  setLocale(tag) {
    return this.hocHandle?.setLocale(tag);
  }
}

if (!customElements.get("handover-console")) {
  customElements.define("handover-console", HandoverConsoleElement);
}

// The standalone index.html marks its root; nothing else is mounted without being asked.
const hocStandalone = document.querySelector('[data-handover-console="standalone"]');
if (hocStandalone) hocMount(hocStandalone, undefined, true, false);
