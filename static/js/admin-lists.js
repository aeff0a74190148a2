// Admin lists at 1280 px: e-mail addresses and long codes (DUMMY-REFUND-00000002) may wrap after
// "@", ".", "-" and "_" rather than widen the list or break in the middle of a word; an order
// number (PED-20261123-0016) stays whole. A static file, not an inline script (CSP).
(() => {
  const BREAK_AFTER = /([@._-])(?=[^\s@._-])/; // split() keeps the mark (odd pieces)
  const LONG = 20; // shorter codes fit in any column; e-mail addresses may always wrap
  const breakable = (word) => (word.includes("@") || word.length > LONG) && BREAK_AFTER.test(word);

  function markBreaks(cell) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach((node) => {
      if (!node.nodeValue.split(/\s+/).some(breakable)) return;
      const fragment = document.createDocumentFragment();
      node.nodeValue.split(/(\s+)/).forEach((word) => {
        if (!breakable(word)) {
          fragment.append(word);
          return;
        }
        word.split(BREAK_AFTER).forEach((piece, index, pieces) => {
          fragment.append(piece);
          if (index % 2 === 1 && index < pieces.length - 1) fragment.append(document.createElement("wbr"));
        });
      });
      node.replaceWith(fragment);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("#result_list td, #result_list th").forEach(markBreaks);
  });
})();
