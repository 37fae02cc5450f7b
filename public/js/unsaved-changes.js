// The entry form warns before its page is left with typed values not saved: closing the tab, following a
// link, going back. Only when something differs from what the page was opened with (or when the page came
// back refused, its typed values not stored: data-unsaved="1"); never once the form is being submitted.
for (const form of document.querySelectorAll('form[data-unsaved-warning]')) {
  const snapshot = () => JSON.stringify([...new FormData(form)]);
  const opened = snapshot();
  let submitting = false;
  form.addEventListener('submit', () => {
    submitting = true;
  });
  window.addEventListener('beforeunload', (event) => {
    if (submitting) return;
    if (form.dataset.unsaved !== '1' && snapshot() === opened) return;
    event.preventDefault();
    // Chromium before 119 and Safari still need returnValue set; the browser shows its own message.
    event.returnValue = '';
  });
}
