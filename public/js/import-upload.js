// Upload with a progress bar: the form is sent with XMLHttpRequest so that its upload progress can be
// shown, then the page follows the server's redirect (the preview). Without JavaScript the same form
// posts normally. Messages come from the form's data- attributes (French, from the server).
(function () {
  'use strict';

  function init() {
    var form = document.querySelector('form[data-upload]');
    if (!form || !window.FormData || !window.XMLHttpRequest) return;
    var box = form.querySelector('[data-upload-progress]');
    var bar = form.querySelector('progress');
    var status = form.querySelector('[data-upload-status]');
    var button = form.querySelector('button[type=submit]');

    form.addEventListener('submit', function (event) {
      var input = form.querySelector('input[type=file]');
      // No file chosen: let the server say so, in the page.
      if (!input || !input.files || input.files.length === 0) return;
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      box.hidden = false;
      button.disabled = true;
      bar.value = 0;
      status.textContent = form.dataset.sending + ' 0 %';

      xhr.upload.addEventListener('progress', function (e) {
        if (!e.lengthComputable) return;
        var percent = Math.floor((e.loaded / e.total) * 100);
        bar.value = percent;
        status.textContent = form.dataset.sending + ' ' + percent + ' %';
      });
      // Everything sent: the server now reads and checks the file; its duration is unknown.
      xhr.upload.addEventListener('load', function () {
        bar.removeAttribute('value');
        status.textContent = form.dataset.analysing;
      });
      xhr.addEventListener('load', function () {
        // Redirected to the preview: go there.
        if (xhr.status < 300 && xhr.responseURL && xhr.responseURL !== form.action) {
          window.location.assign(xhr.responseURL);
          return;
        }
        // The form again, with the reason the file was refused: show it in place.
        var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
        var fresh = doc.querySelector('main');
        var current = document.querySelector('main');
        if (!fresh || !current) {
          status.textContent = form.dataset.failed;
          button.disabled = false;
          return;
        }
        current.replaceWith(fresh);
        document.title = doc.title;
        init();
        // Focus the message, so that a screen reader reads why the file was refused.
        var error = fresh.querySelector('.error-message');
        if (error) error.setAttribute('tabindex', '-1');
        (error || fresh).focus();
      });
      xhr.addEventListener('error', function () {
        status.textContent = form.dataset.failed;
        button.disabled = false;
      });
      xhr.send(new FormData(form));
    });
  }

  init();
})();
