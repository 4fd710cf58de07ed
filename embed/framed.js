// The framed console (embed/framed.html): mounts the app into the frame's page. Its
// `parentOrigin` comes from config.json (or a <meta> tag), never from the address.
import { mountHandover } from "../handover-console.js";
import { recordEvents } from "./portal-events.js";

const element = document.getElementById("hoc-mount");
// The events as dispatched inside the frame too, and every message this window received
// (origin and type, never a token): diagnostics for the example's tests.
recordEvents(element, null);
window.hocMessages = [];
window.addEventListener("message", (e) => {
  window.hocMessages.push({
    origin: e.origin,
    fromParent: e.source === window.parent && window.parent !== window,
    type: e.data && typeof e.data.type === "string" ? e.data.type : null,
  });
});

// EXAMPLE ONLY: ?token=admin-token (the reference backend's default admin) and ?demo=1.
const params = new URLSearchParams(location.search);
const options = {};
if (params.get("token")) options.token = params.get("token");
if (params.has("demo")) options.demo = params.get("demo") !== "0";

window.hocHandle = mountHandover(element, options);
