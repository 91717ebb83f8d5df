// Before the first paint: marks the page with the colour scheme the viewer chose in the top bar (or the system's),
// as the dashboard's theme does once it runs, so a dark page does not flash light while the app loads. A file of
// its own rather than an inline script, which the content security policy does not allow.
(function () {
  try {
    var mode = window.localStorage.getItem('shiplog.colorMode');
    if (mode !== 'light' && mode !== 'dark') {
      mode = window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    }
    document.documentElement.setAttribute('data-' + mode, '');
  } catch (ignored) {
    // No storage (a locked-down browser): the stylesheet's media query still follows the system.
  }
})();
