// Sorts a table by a column when its header is chosen. Headers marked data-sort="number" or "text" get
// a button; cells give their sort key in data-value (a number, or empty when there is no figure: such
// rows always go last). The server already sends the rows sorted by value, which is what a page
// without JavaScript shows. aria-sort tells assistive technology the current order.
(function () {
  'use strict';

  var collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

  function keyOf(row, index, numeric) {
    var cell = row.children[index];
    var raw = cell ? (cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent) : '';
    if (!numeric) return raw.trim();
    return raw === '' || raw === null || isNaN(Number(raw)) ? null : Number(raw);
  }

  function sortBy(table, th, index) {
    var numeric = th.getAttribute('data-sort') === 'number';
    var current = th.getAttribute('aria-sort');
    // First choice: largest first for numbers, A to Z for text; choosing again reverses.
    var direction = current ? (current === 'ascending' ? 'descending' : 'ascending') : numeric ? 'descending' : 'ascending';
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var ka = keyOf(a, index, numeric);
      var kb = keyOf(b, index, numeric);
      if (ka === null && kb === null) return 0;
      if (ka === null) return 1;
      if (kb === null) return -1;
      var order = numeric ? ka - kb : collator.compare(ka, kb);
      if (order !== 0) return direction === 'ascending' ? order : -order;
      // Ties by the row's name, A to Z, as the server orders them.
      return collator.compare(keyOf(a, 0, false), keyOf(b, 0, false));
    });
    rows.forEach(function (r) {
      tbody.appendChild(r);
    });
    var headers = table.querySelectorAll('thead th');
    for (var i = 0; i < headers.length; i++) headers[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', direction);
  }

  function enhance(table) {
    var headers = table.querySelectorAll('thead th');
    Array.prototype.forEach.call(headers, function (th, index) {
      if (!th.hasAttribute('data-sort')) return;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort-button';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () {
        sortBy(table, th, index);
      });
    });
    var hint = table.closest('section') && table.closest('section').querySelector('.sort-hint');
    if (hint) hint.hidden = false;
  }

  function init() {
    var tables = document.querySelectorAll('table[data-sortable]');
    for (var i = 0; i < tables.length; i++) enhance(tables[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
