// A page that comes back with an error summary: the focus goes to it, so that a screen reader reads it
// and the keyboard starts from its links rather than from the top of the page.
const summary = document.querySelector('.error-summary');
if (summary && !summary.contains(document.activeElement)) summary.focus();
