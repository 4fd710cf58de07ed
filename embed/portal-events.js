// Shared by the example pages: writes every `handover:*` event the console reports into a list
// on the page and into `window.hocEvents` ({type, detail, at}; `at` is performance.now()).

/** Every event the console dispatches on its host element (README, "Embedding"). */
export const EVENT_TYPES = [
  "handover:ready",
  "handover:step",
  "handover:created",
  "handover:run-progress",
  "handover:completed",
  "handover:failed",
  "handover:unauthenticated",
];

const events = (window.hocEvents = window.hocEvents || []);

/** Adds one event to `window.hocEvents` and to `list` (an <ol> or <ul>), if there is one. */
export function record(list, type, detail) {
  events.push({ type, detail, at: performance.now() });
  if (!list) return;
  const li = document.createElement("li");
  li.textContent = `${type} ${JSON.stringify(detail)}`;
  list.append(li);
}

/** Records every console event that reaches `target` (they bubble from the mount element). */
export function recordEvents(target, list) {
  for (const type of EVENT_TYPES) {
    target.addEventListener(type, (e) => record(list, type, e.detail));
  }
}
