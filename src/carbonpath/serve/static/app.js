// carbonpath serve: the progress display of the run page (polls the run's status).
"use strict";
(function () {
  const box = document.getElementById("progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const line = box.querySelector(".run-state");
  const msg = box.querySelector(".run-message");
  const link = box.querySelector(".report-link");
  function show(s) {
    if (s.state === "none") return;
    bar.hidden = false; line.hidden = false;
    bar.value = s.percent;
    line.querySelector(".state").textContent = s.state;
    line.querySelector(".step").textContent = s.step;
    line.querySelector(".seconds").textContent = s.seconds;
    msg.textContent = s.message || "";
    msg.classList.toggle("error", s.state === "failed");
    box.dataset.state = s.state;
    if (s.state === "done") link.hidden = false;
  }
  function poll() {
    fetch(box.dataset.status, { credentials: "same-origin", cache: "no-store" })
      .then((r) => r.json())
      .then((s) => {
        show(s);
        if (s.state === "running") setTimeout(poll, 500);
        else if (s.state !== "none" && box.dataset.wasRunning) window.location.reload();
      })
      .catch(() => setTimeout(poll, 2000));
  }
  if (box.dataset.state === "running") { box.dataset.wasRunning = "1"; poll(); }
})();
