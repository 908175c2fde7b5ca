// Small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Preview of an image chosen for upload (badge class form).
  for (const input of document.querySelectorAll("input[type=file][data-preview]")) {
    const target = document.getElementById(input.dataset.preview);
    if (!target) continue;
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (!file || !file.type.startsWith("image/")) { target.hidden = true; return; }
      target.src = URL.createObjectURL(file);
      target.hidden = false;
    });
  }
  // Drop an image on the verification form.
  for (const zone of document.querySelectorAll("[data-drop-zone]")) {
    const input = zone.querySelector("input[type=file]");
    if (!input) continue;
    zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dragging"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) input.files = event.dataTransfer.files;
    });
  }
  // Copy the page's link.
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.dataset.done = "1";
        const status = button.parentElement && button.parentElement.querySelector("[role=status]");
        if (status) status.textContent = button.dataset.copied || "";
      } catch { /* no clipboard: the address is also written on the page */ }
    });
  }
});
