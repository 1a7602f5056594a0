// Card sort: each card carries a <select> of columns (works by keyboard and on phones
// without this script). The script shows the cards inside their columns, keeps the select
// and the place of the card in step, and lets a mouse drag a card into a column.
(function () {
  "use strict";

  function place(sorter, card) {
    var select = card.querySelector("[data-card-select]");
    var column = sorter.querySelector('.sort-column[data-column="' + select.value + '"] .sort-cards');
    if (column && card.parentNode !== column) { column.appendChild(card); }
  }

  function enhance(sorter) {
    var cards = sorter.querySelectorAll(".sort-card");
    sorter.classList.add("enhanced");
    cards.forEach(function (card) {
      place(sorter, card);
      var select = card.querySelector("[data-card-select]");
      select.addEventListener("change", function () {
        place(sorter, card);
        select.focus();
      });
      card.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", card.dataset.card);
        event.dataTransfer.effectAllowed = "move";
      });
    });
    sorter.querySelectorAll(".sort-column").forEach(function (column) {
      column.addEventListener("dragover", function (event) {
        event.preventDefault();
        column.classList.add("drop-target");
      });
      column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        var card = sorter.querySelector('.sort-card[data-card="' + event.dataTransfer.getData("text/plain") + '"]');
        if (!card) { return; }
        var select = card.querySelector("[data-card-select]");
        if (select.disabled) { return; }
        select.value = column.dataset.column;
        // The same event a keyboard change sends: the card moves and the draft is saved.
        select.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-card-sort]").forEach(enhance);
  });
})();
