// The custom-element example's script (embed/custom-element.html). Loaded before
// ../handover-console.js, so what it sets on <handover-console> is there when the element mounts.
import { recordEvents } from "./portal-events.js";

const element = document.getElementById("hoc-element");
const slot = document.getElementById("portal-slot");
const state = document.getElementById("portal-state");
recordEvents(element, document.getElementById("portal-events"));

// EXAMPLE ONLY: ?token=admin-token (the reference backend's default admin) and ?demo=1 from
// this page's address. A real portal writes its session's token into the attribute itself.
const params = new URLSearchParams(location.search);
if (params.get("token")) element.setAttribute("token", params.get("token"));
if (params.has("demo")) element.setAttribute("demo", params.get("demo") === "0" ? "false" : "true");

// Removing the element unmounts the console (its listeners, timers and requests end); putting
// it back mounts it again.
document.getElementById("portal-remove").addEventListener("click", () => {
  element.remove();
  state.textContent = "Console removed";
});
document.getElementById("portal-add").addEventListener("click", () => {
  if (!element.isConnected) slot.append(element);
  state.textContent = "Console on the page";
});
