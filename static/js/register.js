// The registration form, enhanced: the author's earlier appeals appear under the author's fields as
// soon as a surname and an address are typed, without sending the form. Without this script the
// form's own button ("Перевірити попередні звернення") does the same by sending it.
(function () {
  'use strict';
  var form = document.querySelector('form[data-earlier]');
  var target = document.getElementById('earlier-body');
  if (!form || !target || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var names = ['last_name', 'first_name', 'patronymic', 'address'];
  // The earlier appeals now come by themselves: the button that sends the form to ask is one tab stop
  // a clerk no longer needs.
  var button = document.getElementById('check-earlier');
  if (button) {
    button.hidden = true;
  }
  var asked = '';
  var timer = null;

  function value(name) {
    var el = form.elements[name];
    return el && el.value ? el.value.trim() : '';
  }

  function chosenSign() {
    var el = form.querySelector('input[name="sign"]:checked') || form.querySelector('input[name="sign"]');
    return el ? el.value : '';
  }

  function look() {
    if (!value('last_name') || !value('address')) {
      return;
    }
    var q = new URLSearchParams();
    names.forEach(function (n) { q.set(n, value(n)); });
    q.set('sign', chosenSign());
    var key = q.toString();
    if (key === asked) {
      return;
    }
    asked = key;
    fetch(form.getAttribute('data-earlier') + '?' + key, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        // Only the answer to the latest question counts; a refusal leaves the form's button to do it.
        if (html !== null && key === asked) {
          target.innerHTML = html;
        }
      })
      .catch(function () { asked = ''; });
  }

  names.forEach(function (n) {
    var el = form.elements[n];
    if (!el) {
      return;
    }
    el.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(look, 600);
    });
    el.addEventListener('change', look);
  });
})();
