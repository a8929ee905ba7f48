// The signature box of the tablet fill page: signature_pad (vendored, MIT)
// draws on the canvas; on submit the drawing goes into the hidden input as a
// PNG data URL, which the server checks (a real PNG, size cap, not blank).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-signature]");
  if (!box || !window.SignaturePad) return;
  const canvas = box.querySelector("[data-signature-canvas]");
  const input = box.querySelector("[data-signature-input]");
  const status = box.querySelector("[data-signature-status]");
  const pad = new window.SignaturePad(canvas, { minWidth: 0.8, maxWidth: 2.6 });

  // Match the canvas's pixels to its displayed size (and the screen's
  // density) so strokes land under the finger; resizing clears the pad.
  const fit = () => {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(data);
  };
  window.addEventListener("resize", fit);
  fit();

  const say = (text) => {
    if (status) status.textContent = text;
  };
  pad.addEventListener("endStroke", () => say("Signed. Clear to sign again."));
  box.querySelector("[data-signature-clear]").addEventListener("click", () => {
    pad.clear();
    input.value = "";
    say("Cleared.");
  });
  box.closest("form").addEventListener("submit", () => {
    input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  });
});
