// A long list of checkboxes (form/checkboxes) gets a search box: typing narrows the list to the labels that
// contain the text, accents, case, hyphens and apostrophes aside (« ile de » finds « Île-de-France »).
// Checked boxes stay checked (and sent) when hidden.
const fold = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
for (const input of document.querySelectorAll('input[data-filters]')) {
  const list = document.getElementById(input.dataset.filters);
  // A short list needs no search.
  if (!list || list.querySelectorAll('label').length <= 8) continue;
  input.closest('label').hidden = false;
  input.addEventListener('input', () => {
    const wanted = fold(input.value);
    for (const label of list.querySelectorAll('label')) label.hidden = wanted !== '' && !fold(label.textContent).includes(wanted);
  });
}
