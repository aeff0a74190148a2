// "Tomar pedido": the shipping methods are rendered again 200 ms after any change of the form
// (#take-shipping-watch). A refresh sent for an earlier change carries no method: if its answer
// landed after staff chose one, the choice would be cleared. Choosing a method drops the refresh in
// flight; the one the choice itself triggers carries it.
document.addEventListener("change", (event) => {
  if (event.target.name !== "shipping_method" || !window.htmx) return;
  const watch = document.getElementById("take-shipping-watch");
  if (watch) window.htmx.trigger(watch, "htmx:abort");
});
