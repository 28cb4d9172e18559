// Shows the progress of an import the worker is handling, and reloads the page when it has
// finished. Loaded as a module file because the content security policy forbids inline
// scripts. Without it the page still works: it offers a "Refresh to see progress" link.

const POLL_MS = 2000;
const MAX_FAILURES = 5;

const box = document.querySelector("[data-import-progress]");
if (box) {
  const url = box.dataset.importProgress;
  const bar = box.querySelector("progress");
  const status = box.querySelector("[data-import-progress-status]");
  const refresh = box.querySelector("[data-import-progress-refresh]");
  let failures = 0;

  if (refresh) refresh.hidden = true;

  const show = (progress) => {
    if (bar) {
      if (progress.rows_total === null) {
        // Nobody knows yet how many rows the file has: an indeterminate bar.
        bar.removeAttribute("value");
        bar.removeAttribute("max");
      } else {
        bar.max = Math.max(progress.rows_total, 1);
        bar.value = Math.min(progress.rows_done, bar.max);
      }
      bar.textContent = progress.text;
    }
    // Only a changed sentence is written, so a screen reader does not hear it again.
    if (status && status.textContent !== progress.text) status.textContent = progress.text;
  };

  const poll = async () => {
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      const type = response.headers.get("Content-Type") || "";
      // A signed-out session is redirected to the login page: HTML, not JSON.
      if (!response.ok || !type.includes("application/json")) throw new Error(`status ${response.status}`);
      const progress = await response.json();
      failures = 0;
      show(progress);
      if (progress.finished) {
        window.location.reload();
        return;
      }
    } catch {
      failures += 1;
      if (failures >= MAX_FAILURES) {
        if (refresh) refresh.hidden = false;
        return;
      }
    }
    window.setTimeout(poll, POLL_MS);
  };

  window.setTimeout(poll, POLL_MS);
}
