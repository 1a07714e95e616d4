// Hand-written browser code for Lawang Jabo, under one namespace.
window.lawangJabo = Object.assign(window.lawangJabo || {}, {
  toggleLang: function (nClicks, lang) {
    if (!nClicks) { return window.dash_clientside.no_update; }
    var next = lang === "en" ? "id" : "en";
    document.cookie = "lang=" + next + "; path=/; max-age=31536000; SameSite=Lax";
    window.location.reload();
    return next;
  },
  // Keep the filters in the address bar without making Dash re-render the page.
  replaceQuery: function (query) {
    if (query === undefined || query === null) { return window.dash_clientside.no_update; }
    var url = window.location.pathname + (query ? "?" + query : "");
    if (url !== window.location.pathname + window.location.search) {
      window.history.replaceState(window.history.state, "", url);
    }
    return query;
  }
});
