// The header on a small screen: the menu and the account links fold behind a « Menu » button (the DSFR's
// pattern). Without JavaScript nothing is folded: the class below is what enables the button.
document.documentElement.classList.add('has-menu-button');
const header = document.querySelector('.site-header');
const button = header && header.querySelector('.menu-button');
if (button) {
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    header.classList.toggle('menu-open', open);
  });
  // Escape closes the open menu and gives the focus back to its button.
  header.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || button.getAttribute('aria-expanded') !== 'true') return;
    button.setAttribute('aria-expanded', 'false');
    header.classList.remove('menu-open');
    button.focus();
  });
}
