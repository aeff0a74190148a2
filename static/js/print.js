// Print buttons on the packing slip and picking list (no inline handlers: CSP).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
