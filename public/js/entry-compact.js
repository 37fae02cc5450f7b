// A shorter entry form: « Raison » shows only once « Non disponible » is ticked, and « Commentaire » opens on
// demand (« Ajouter un commentaire »), unless it holds text or a message asks for it. Without JavaScript
// both stay visible, as the server renders them.
const hasMessage = (field) => field.querySelector('.error-message, .warning-message') !== null;

for (const reason of document.querySelectorAll('.entry-form .na-reason[data-reason-of]')) {
  const box = document.getElementById(reason.dataset.reasonOf);
  const input = reason.querySelector('input');
  if (!box || !input) continue;
  const sync = () => {
    reason.hidden = !box.checked && input.value.trim() === '' && !hasMessage(reason);
  };
  sync();
  box.addEventListener('change', () => {
    sync();
    if (box.checked) input.focus();
  });
}

for (const comment of document.querySelectorAll('.entry-form .entry-comment')) {
  const area = comment.querySelector('textarea');
  if (!area || area.value.trim() !== '' || hasMessage(comment)) continue;
  comment.hidden = true;
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'link-button add-comment';
  open.textContent = comment.dataset.commentLabel;
  open.setAttribute('aria-expanded', 'false');
  open.setAttribute('aria-controls', area.id);
  open.addEventListener('click', () => {
    comment.hidden = false;
    open.remove();
    area.focus();
  });
  comment.before(open);
}
