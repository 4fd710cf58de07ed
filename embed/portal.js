// The example portal's script (embed/portal.html): mounts the console into a <div> with
// mountHandover, unmounts and mounts it again on demand, hands it a new token, and lists every
// event it reports.
import { mountHandover } from "../handover-console.js";
import { recordEvents } from "./portal-events.js";

const element = document.getElementById("hoc-mount");
const state = document.getElementById("portal-state");
const tokenInput = document.getElementById("portal-token");
recordEvents(element, document.getElementById("portal-events"));

// EXAMPLE ONLY: settings from this page's own address, so the example runs against the
// reference backend and in demo mode without editing files (?token=admin-token, ?demo=1,
// ?routing=memory, ?locale=en, ?login=/sso, ?manual=1 to mount only on "Mount console").
// A real portal passes its own values (its session's token, its sign-in page) and never lets
// the address choose them.
const params = new URLSearchParams(location.search);
function exampleOptions() {
  const options = {};
  const text = { token: "token", routing: "routing", locale: "locale", login: "loginUrl" };
  for (const [param, key] of Object.entries(text)) {
    if (params.get(param)) options[key] = params.get(param);
  }
  if (params.has("demo")) options.demo = params.get("demo") !== "0";
  return options;
}

let handle = null;

/** Mounts the console (once); `extra` options win over the example's. */
function mount(extra) {
  if (handle) return handle;
  const mounted = mountHandover(element, { ...exampleOptions(), ...extra });
  handle = mounted;
  state.textContent = "Console loading…";
  mounted.ready.then(
    () => {
      if (handle === mounted) state.textContent = "Console mounted";
    },
    () => {
      if (handle === mounted) state.textContent = "Console failed to load";
    },
  );
  return mounted;
}

/** Removes the console; what it ran stops with it (a run resumes on the next mount). */
function unmount() {
  if (!handle) return;
  handle.unmount();
  handle = null;
  state.textContent = "Console unmounted";
}

/** What a portal does after `handover:unauthenticated`: refresh its session, pass the token. */
function setToken(token) {
  return handle ? handle.setToken(token) : false;
}

function setLocale(tag) {
  return handle ? handle.setLocale(tag) : false;
}

element.addEventListener("handover:unauthenticated", () => {
  state.textContent = "The console's session expired: refresh it and send a new token";
});
document.getElementById("portal-mount").addEventListener("click", () => mount());
document.getElementById("portal-unmount").addEventListener("click", unmount);
document.getElementById("portal-set-token").addEventListener("click", () => {
  if (tokenInput.value.trim()) setToken(tokenInput.value.trim());
});

// For the end-to-end tests and for trying things in the browser's console.
window.hocPortal = {
  mount,
  unmount,
  setToken,
  setLocale,
  get handle() {
    return handle;
  },
};

if (!params.has("manual")) mount();
