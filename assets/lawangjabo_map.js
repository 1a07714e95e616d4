// Map styling for dash-leaflet layers, driven by each layer's hideout (see components/map_layers.py).
window.lawangJabo = window.lawangJabo || {};
window.lawangJabo.map = (function () {
  // Sequential scale, light to dark.
  var SCALE = ["#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"];
  function colorFor(value, max) {
    if (value === null || value === undefined || !max) { return "#cccccc"; }
    var i = Math.min(SCALE.length - 1, Math.floor((value / max) * SCALE.length));
    return SCALE[Math.max(0, i)];
  }
  function metricOf(feature, context) {
    var h = context.hideout || {};
    var m = h.metric || "complaints";
    return { value: feature.properties[m], max: (h.max || {})[m], selected: h.selected === feature.properties.code };
  }
  return {
    cameraMarker: function (feature, latlng, context) {
      var s = feature.properties.status || "unknown";
      var colors = (context.hideout || {}).colors || {};
      // In Leaflet's marker pane, above the overlay pane: a restyled kecamatan layer is drawn again
      // on top of its pane, and would then cover the cameras and swallow their clicks.
      return L.circleMarker(latlng, {
        radius: 8, color: "#ffffff", weight: 2, fillColor: colors[s] || "#757575", fillOpacity: 0.95,
        className: "cam-marker cam-marker-" + s, pane: "markerPane"
      });
    },
    kecamatanStyle: function (feature, context) {
      var v = metricOf(feature, context);
      return {
        fillColor: colorFor(v.value, v.max), fillOpacity: 0.6, color: v.selected ? "#0d47a1" : "#555555",
        weight: v.selected ? 3 : 1
      };
    },
    kecamatanCircle: function (feature, latlng, context) {
      var v = metricOf(feature, context);
      var r = v.max ? 6 + 24 * Math.sqrt(Math.max(0, v.value || 0) / v.max) : 6;
      return L.circleMarker(latlng, {
        radius: r, fillColor: colorFor(v.value, v.max), fillOpacity: 0.65, color: v.selected ? "#0d47a1" : "#555555",
        weight: v.selected ? 3 : 1, className: "kec-circle"
      });
    },
    complaintPoint: function (feature, latlng, context) {
      var n = feature.properties.count || 1;
      var max = (context.hideout || {}).max || 1;
      var r = n > 1 ? 3 + 12 * Math.sqrt(n / max) : 3;
      return L.circleMarker(latlng, {
        radius: r, stroke: false, fillColor: "#37474f", fillOpacity: n > 1 ? 0.45 : 0.7, className: "complaint-point",
        pane: "shadowPane"  // between the kecamatan layer and the cameras, for the same reason
      });
    },
    clusterIcon: function (feature, latlng, index, context) {
      var n = feature.properties.point_count;
      var size = n < 10 ? 28 : n < 100 ? 34 : 42;
      var icon = L.divIcon({
        html: "<div><span>" + feature.properties.point_count_abbreviated + "</span></div>",
        className: "lj-cluster", iconSize: L.point(size, size)
      });
      return L.marker(latlng, { icon: icon });
    }
  };
})();

// Wall mode: space pauses and resumes, arrows switch the view (buttons do the work; keys press them).
document.addEventListener("keydown", function (ev) {
  if (!document.getElementById("dinding-root")) { return; }
  var id = ev.code === "Space" ? "dinding-pause" : ev.key === "ArrowRight" ? "dinding-next"
    : ev.key === "ArrowLeft" ? "dinding-prev" : null;
  var button = id && document.getElementById(id);
  if (button) { ev.preventDefault(); button.click(); }
});

// Wall mode: which view shows; Leaflet measures its container again after it becomes visible.
window.lawangJabo.wall = {
  step: function (view, titles) {
    var trig = (window.dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
    var n = titles.length;
    var next = trig.indexOf("dinding-prev") === 0 ? (view + n - 1) % n : (view + 1) % n;
    var classes = titles.map(function (_t, i) { return "dinding-view" + (i === next ? "" : " dinding-hidden"); });
    setTimeout(function () { window.dispatchEvent(new Event("resize")); }, 50);
    return [next].concat(classes, [titles[next]]);
  },
  pause: function (n, disabled, labels) {
    var paused = !disabled;
    return [paused, labels[paused ? 1 : 0]];
  }
};
