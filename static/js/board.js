// The IT directors' board: drag and drop on top of the move forms.
// Without JavaScript every move is a plain form; with it, htmx swaps the
// board in place and this file (1) lets a row be dragged by its handle
// (SortableJS), which submits the same form with the new position, and
// (2) puts the focus back on the moved case's controls after each swap.
(function () {
  "use strict";

  var lastMove = null;

  function rows(body) {
    return Array.prototype.slice.call(body.querySelectorAll("tr.kk-board-row"));
  }

  function targetRank(body, row) {
    // The rank the dragged row takes: that of the row it now stands before
    // (moved up) or after (moved down), so that filters do not matter.
    var list = rows(body);
    var index = list.indexOf(row);
    var ownRank = parseInt(row.dataset.rank, 10);
    var next = list[index + 1];
    var previous = list[index - 1];
    if (next && parseInt(next.dataset.rank, 10) < ownRank) {
      return parseInt(next.dataset.rank, 10);
    }
    if (previous && parseInt(previous.dataset.rank, 10) > ownRank) {
      return parseInt(previous.dataset.rank, 10);
    }
    return ownRank;
  }

  function setUp(root) {
    var body = root.querySelector(".kk-board-body");
    if (!body || !window.Sortable) {
      return;
    }
    Array.prototype.forEach.call(body.querySelectorAll(".kk-drag-handle"), function (handle) {
      handle.hidden = false;
    });
    window.Sortable.create(body, {
      handle: ".kk-drag-handle",
      draggable: "tr.kk-board-row:not(.kk-published)",
      filter: ".kk-cutline",
      animation: 120,
      onEnd: function (event) {
        var row = event.item;
        var rank = targetRank(body, row);
        if (rank === parseInt(row.dataset.rank, 10)) {
          return;
        }
        var form = row.querySelector("form.kk-move");
        form.querySelector("input[name=position]").value = rank;
        // A click, so that htmx sends the button's step=to with the form.
        form.querySelector("button[value=to]").click();
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("board");
    if (!board) {
      return;
    }
    setUp(board);
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var form = event.detail.elt;
      if (form && form.classList && form.classList.contains("kk-move")) {
        var active = document.activeElement;
        lastMove = {
          kase: form.querySelector("input[name=case]").value,
          step: active && active.name === "step" ? active.value : "to",
        };
      }
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var root = document.getElementById("board");
      if (!root || !event.detail.elt || event.detail.elt.id !== "board") {
        return;
      }
      setUp(root);
      if (!lastMove) {
        return;
      }
      var row = document.getElementById("case-" + lastMove.kase);
      var target = row && row.querySelector("button[value=" + lastMove.step + "]:not([disabled])");
      if (!target && row) {
        target = row.querySelector("input[name=position]");
      }
      if (target) {
        target.focus();
      }
      lastMove = null;
    });
  });
})();
