// The chosen theme before the first paint, so a dark-theme user never sees a white flash.
try {
  var theme = localStorage.getItem('parley.theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch (e) {}
