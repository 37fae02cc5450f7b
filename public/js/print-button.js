// The print page's button: opens the browser's print dialog (A4 layout from print.css).
document.querySelectorAll('[data-print]').forEach((button) => {
  button.addEventListener('click', () => window.print());
});
