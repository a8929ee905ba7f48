// Drag and drop onto the upload form: the dropped file fills the ordinary file
// input, so the form posts exactly as if the file had been chosen with it.
for (const zone of document.querySelectorAll("[data-dropzone]")) {
  const input = zone.querySelector("[data-drop-input]");
  const status = zone.querySelector("[data-drop-status]");
  if (!input) continue;
  const show = () => {
    if (status) status.textContent = input.files.length ? `Ready to upload: ${input.files[0].name}` : "";
  };
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("is-over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("is-over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("is-over");
    const dropped = event.dataTransfer ? event.dataTransfer.files : null;
    if (!dropped || dropped.length === 0) return;
    const transfer = new DataTransfer();
    transfer.items.add(dropped[0]);
    input.files = transfer.files;
    show();
  });
  input.addEventListener("change", show);
}
