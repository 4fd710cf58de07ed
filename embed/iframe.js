// The iframe example's portal script (embed/iframe.html): frames the console from its own
// origin, listens for its events, and sends it a token. Messages are trusted only from the
// console's origin *and* from the framed window itself.
import { record } from "./portal-events.js";

// EXAMPLE ONLY: where the console is, from this page's address (?app=URL of framed.html), else
// the same port on 127.0.0.1 (another origin than localhost). A real portal hard-codes it.
// ?token= and ?demo= are passed on to the framed page (example-only too).
const params = new URLSearchParams(location.search);
const appUrl = new URL(
  params.get("app") || `${location.protocol}//127.0.0.1:${location.port}/embed/framed.html`,
);
for (const p of ["token", "demo"]) {
  if (params.has(p)) appUrl.searchParams.set(p, params.get(p));
}
const appOrigin = appUrl.origin;

const frame = document.getElementById("hoc-frame");
const list = document.getElementById("portal-events");
const state = document.getElementById("portal-state");
const tokenInput = document.getElementById("portal-token");
// Messages that did not come from the console's frame (diagnostics for the example's tests).
window.hocIgnored = [];

window.addEventListener("message", (e) => {
  if (e.origin !== appOrigin || e.source !== frame.contentWindow) {
    window.hocIgnored.push({ origin: e.origin });
    return;
  }
  const type = e.data && e.data.type;
  if (typeof type !== "string" || !type.startsWith("handover:")) return;
  record(list, type, e.data.detail);
  if (type === "handover:ready") state.textContent = "Console mounted";
  if (type === "handover:unauthenticated") {
    state.textContent = "The console's session expired: refresh it and send a new token";
  }
});

/** Hands the console a new token; only the console's origin receives it. */
function sendToken(token) {
  frame.contentWindow.postMessage({ type: "handover:set-token", token }, appOrigin);
}

document.getElementById("portal-set-token").addEventListener("click", () => {
  if (tokenInput.value.trim()) sendToken(tokenInput.value.trim());
});

window.hocPortal = { sendToken, appOrigin };
frame.src = appUrl.href;
