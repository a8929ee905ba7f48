// Preview of where one payment goes on the patient account page: what each
// open invoice receives and what is kept as account credit. The server
// decides; this only shows the arithmetic before the form is sent.
const form = document.querySelector("[data-pay-form]");
if (form) {
  const total = form.querySelector("[data-pay-total]");
  const preview = form.querySelector("[data-pay-preview]");
  const allocations = [...form.querySelectorAll("[data-pay-allocation]")];
  const cents = (text) => Math.round(Number.parseFloat(text || "0") * 100) || 0;
  const money = (value) => `$${(value / 100).toFixed(2)}`;
  const update = () => {
    const amount = cents(total.value);
    const chosen = form.querySelector("input[name=spread]:checked")?.value === "chosen";
    let left = amount;
    const parts = allocations.map((input) => {
      const owed = cents(input.dataset.payAllocation);
      const share = chosen ? cents(input.value) : Math.min(owed, left);
      left -= share;
      return share;
    });
    if (left < 0) {
      preview.textContent = "The invoice amounts add up to more than the payment.";
      return;
    }
    const applied = parts.filter((share) => share > 0).length;
    preview.textContent = `${money(amount - left)} to ${applied} invoice(s), ${money(left)} to account credit.`;
  };
  form.addEventListener("input", update);
  update();
}
