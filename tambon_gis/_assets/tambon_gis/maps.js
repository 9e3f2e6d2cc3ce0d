/* tambon_gis map runtime (MIT, part of tambon_gis).
 * Draws layers described by tambon_gis.maps from one TopoJSON topology per page.
 * Every text that comes from data is inserted with textContent, never innerHTML; the only
 * HTML inserted as such was built and escaped by tambon_gis (legends, panels, popup_html). */
(function () {
  "use strict";
  var TG = (window.TambonGIS = window.TambonGIS || {});
  TG.layers = TG.layers || [];
  TG.errors = TG.errors || [];
  var topoCache = {};

  TG.timings = TG.timings || {};
  function getTopo(id) {
    if (!topoCache[id]) {
      var t0 = performance.now();
      var node = document.getElementById(id);
      var topo = JSON.parse(node.textContent);
      if (topo.flat) {
        topo.arcs = topo.arcs.map(function (a) {
          var out = new Array(a.length / 2);
          for (var k = 0; k < a.length; k += 2) out[k / 2] = [a[k], a[k + 1]];
          return out;
        });
        delete topo.flat;
      }
      var name = Object.keys(topo.objects)[0];
      var obj = topo.objects[name];
      obj.geometries.forEach(function (g, i) { g.__i = i; });
      var fc = topojson.feature(topo, obj);
      fc.features.forEach(function (f, i) { f.properties = { __i: i }; });
      topoCache[id] = { topo: topo, obj: obj, fc: fc, meshes: {} };
      TG.timings.decode = performance.now() - t0;
    }
    return topoCache[id];
  }
  TG.getTopo = getTopo;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function field(spec, name, i) {
    var f = spec.fields[name];
    if (!f) return null;
    if (f.dict) {
      var c = f.codes[i];
      return c < 0 ? null : f.dict[c];
    }
    var v = f.values[i];
    return v === undefined ? null : v;
  }

  function rowsFor(spec, rows, i) {
    var out = [];
    rows.forEach(function (row) {
      var label = row[0], name = row[1];
      if (name === "@value") {
        label = spec.steps[spec.current].label;
        name = spec.steps[spec.current].field;
      }
      var v = field(spec, name, i);
      var blank = v === null || v === "";
      // the no-data label is the mapped value's; another blank cell is just blank
      out.push([label, blank ? (row[1] === "@value" ? spec.nodata_label : (spec.text.blank || "–")) : v]);
    });
    return out;
  }

  function tooltipContent(spec, i) {
    var box = el("div", "tg-tip");
    rowsFor(spec, spec.tooltip, i).forEach(function (r, j) {
      var line = el("div", j === 0 && !r[0] ? "tg-tip-title" : "tg-tip-row");
      if (r[0]) line.appendChild(el("span", "tg-k", r[0] + ": "));
      line.appendChild(el("span", "tg-v", r[1]));
      box.appendChild(line);
    });
    return box;
  }

  function popupContent(spec, i) {
    var box = el("div", "tg-popup");
    if (spec.popup_html) {
      var h = field(spec, spec.popup_html, i);
      if (h === null || h === "") return tooltipContent(spec, i); // no popup of its own
      box.innerHTML = h; // escaped by tambon_gis
      return box;
    }
    var table = el("table", "tg-popup-table");
    rowsFor(spec, spec.popup, i).forEach(function (r, j) {
      var tr = el("tr");
      if (j === 0 && !r[0]) {
        var th = el("th", "tg-popup-title", r[1]);
        th.colSpan = 2;
        tr.appendChild(th);
      } else {
        tr.appendChild(el("th", null, r[0]));
        tr.appendChild(el("td", null, r[1]));
      }
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }

  function fillStyle(spec, i) {
    var step = spec.steps[spec.current];
    var c = step.classes[i];
    var nodata = c === null || c === undefined || c < 0;
    return {
      fillColor: nodata ? spec.nodata.fill : spec.palette[c],
      fillOpacity: nodata ? spec.nodata.opacity : spec.fill_opacity,
      color: spec.line.color,
      weight: spec.line.weight,
      opacity: spec.line.opacity,
      dashArray: nodata ? spec.nodata.dash : null
    };
  }

  function ensureControls(map, spec) {
    if (map._tg) return map._tg;
    var tg = (map._tg = { layers: [], labels: [], searchLayers: [] });
    var bases = {};
    var first = null;
    (spec.basemaps || []).forEach(function (b) {
      var t = L.tileLayer(b.url, { attribution: b.attribution, maxZoom: b.max_zoom || 19 });
      bases[b.name] = t;
      if (!first) first = t;
    });
    if (first) {
      first.addTo(map);
      bases[spec.text.no_basemap] = L.layerGroup();
    }
    tg.control = L.control.layers(bases, {}, { collapsed: true, position: "topright" }).addTo(map);
    L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);
    if (spec.fullscreen) addFullscreen(map, spec);
    map.on("zoomend moveend", function () { updateLabels(map); });
    return tg;
  }

  function addFullscreen(map, spec) {
    var Full = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = el("div", "leaflet-bar tg-fullscreen");
        var a = el("a", "tg-fullscreen-button");
        a.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5" fill="none" stroke="#333" stroke-width="2"/></svg>';
        a.href = "#";
        a.title = spec.text.fullscreen;
        a.setAttribute("role", "button");
        L.DomEvent.on(a, "click", function (ev) {
          L.DomEvent.preventDefault(ev);
          var c = map.getContainer();
          if (document.fullscreenElement) {
            document.exitFullscreen();
          } else if (c.requestFullscreen) {
            c.requestFullscreen().catch(function () { c.classList.toggle("tg-pseudo-full"); map.invalidateSize(); });
          } else {
            c.classList.toggle("tg-pseudo-full");
            map.invalidateSize();
          }
        });
        L.DomEvent.disableClickPropagation(box);
        box.appendChild(a);
        return box;
      }
    });
    new Full().addTo(map);
    document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
  }

  function addSearch(map, spec, entry) {
    var tg = map._tg;
    tg.searchLayers.push(entry);
    if (tg.search) return;
    var Search = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = el("div", "tg-search leaflet-bar");
        var input = el("input", "tg-search-input");
        input.type = "search";
        input.placeholder = spec.text.search;
        input.setAttribute("aria-label", spec.text.search);
        var list = el("ul", "tg-search-results");
        box.appendChild(input);
        box.appendChild(list);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        function norm(s) { return String(s || "").toLowerCase().replace(/\s+/g, " ").trim(); }
        L.DomEvent.on(input, "input", function () {
          var q = norm(input.value);
          list.textContent = "";
          if (!q) return;
          var found = 0;
          tg.searchLayers.some(function (e) {
            var s = e.spec;
            var f0 = s.fields[s.search[0]];
            var n = f0.values ? f0.values.length : f0.codes.length;
            for (var i = 0; i < n && found < 10; i++) {
              var hit = s.search.some(function (f) { return norm(field(s, f, i)).indexOf(q) >= 0; });
              if (!hit) continue;
              found++;
              var li = el("li", "tg-search-item");
              var text = s.search_label.map(function (f) { return field(s, f, i); })
                .filter(function (v) { return v; }).join(", ");
              li.textContent = text;
              li.tabIndex = 0;
              (function (idx, ent) {
                L.DomEvent.on(li, "click keydown", function (ev) {
                  if (ev.type === "keydown" && ev.key !== "Enter") return;
                  // stop here: once the list is emptied Leaflet can no longer see that the
                  // click came from a control, and would close the popup as a map click
                  L.DomEvent.stop(ev);
                  TG.zoomTo(map, ent, idx);
                  setTimeout(function () { list.textContent = ""; }, 0);
                });
              })(i, e);
              list.appendChild(li);
            }
            return found >= 10;
          });
          if (!found) list.appendChild(el("li", "tg-search-none", spec.text.not_found));
        });
        return box;
      }
    });
    tg.search = new Search().addTo(map);
  }

  TG.zoomTo = function (map, entry, i) {
    var layer = entry.byIndex[i];
    if (!layer) return;
    map.fitBounds(layer.getBounds(), { maxZoom: 12 });
    layer.setStyle({ weight: 3, color: "#e31a1c", opacity: 1 });
    setTimeout(function () { entry.fill.resetStyle(layer); }, 2500);
    var center = layer.getBounds().getCenter();
    L.popup({ className: "tg-popup-wrap tg-search-popup", maxWidth: 360 })
      .setLatLng(center)
      .setContent(entry.spec.tooltip && entry.spec.tooltip.length ? tooltipContent(entry.spec, i) : el("div", null, ""))
      .openOn(map);
  };

  function addLabels(map, spec) {
    (spec.labels || []).forEach(function (lab) {
      map._tg.labels.push({ spec: spec, lab: lab, shown: [] });
    });
    updateLabels(map);
  }

  function updateLabels(map) {
    var tg = map._tg;
    if (!tg) return;
    var z = map.getZoom();
    var bounds = map.getBounds().pad(0.1);
    tg.labels.forEach(function (group) {
      group.shown.forEach(function (t) { map.removeLayer(t); });
      group.shown = [];
      var lab = group.lab;
      if (z < lab.min_zoom || (lab.max_zoom !== undefined && z > lab.max_zoom)) return;
      for (var j = 0; j < lab.points.length && group.shown.length < 400; j++) {
        var p = lab.points[j];
        if (!bounds.contains([p[0], p[1]])) continue;
        var text = lab.text ? lab.text[j] : field(group.spec, lab.field, p.length > 2 ? p[2] : j);
        if (!text) continue;
        var t = L.tooltip({ permanent: true, direction: "center", className: "tg-label " + lab.class_name, interactive: false })
          .setLatLng([p[0], p[1]])
          .setContent(el("span", null, text));
        t.addTo(map);
        group.shown.push(t);
      }
    });
  }

  function addLegend(map, spec, entry) {
    if (!spec.legend) return;
    var Legend = L.Control.extend({
      options: { position: spec.legend_position || "bottomright" },
      onAdd: function () {
        var box = el("div", "tg-legend tg-box");
        box.innerHTML = spec.legend; // built and escaped by tambon_gis
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    entry.legend = new Legend().addTo(map);
    if (spec.steps && spec.steps.length > 1) recountLegend(spec, entry);
    map.on("overlayremove", function (ev) { if (ev.layer === entry.fill && entry.legend) map.removeControl(entry.legend); });
    map.on("overlayadd", function (ev) { if (ev.layer === entry.fill && entry.legend) entry.legend.addTo(map); });
  }

  // The legend's counts are those of the step shown: recount them from its classes.
  function recountLegend(spec, entry) {
    if (!entry.legend) return;
    var box = entry.legend.getContainer();
    var spans = box.querySelectorAll(".tg-count");
    var rows = box.querySelectorAll(".tg-row");
    if (!spans.length || spans.length !== rows.length) return;
    var hasNodata = rows[rows.length - 1].querySelector(".tg-nodata") !== null;
    var nclass = spans.length - (hasNodata ? 1 : 0);
    var counts = [], nodata = 0, classes = spec.steps[spec.current].classes, i;
    for (i = 0; i < nclass; i++) counts.push(0);
    for (i = 0; i < classes.length; i++) {
      var c = classes[i];
      if (c === null || c === undefined || c < 0 || c >= nclass) nodata++;
      else counts[c]++;
    }
    for (i = 0; i < nclass; i++) spans[i].textContent = counts[i].toLocaleString("en-US");
    if (hasNodata) spans[nclass].textContent = nodata.toLocaleString("en-US");
  }

  function addSlider(map, spec, entry) {
    if (spec.steps.length < 2) return;
    var Slider = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = el("div", "tg-slider tg-box");
        var label = el("div", "tg-slider-label", spec.steps[spec.current].label);
        var input = el("input", "tg-slider-input");
        input.type = "range";
        input.min = 0;
        input.max = spec.steps.length - 1;
        input.step = 1;
        input.value = spec.current;
        input.setAttribute("aria-label", spec.text.slider);
        box.appendChild(label);
        box.appendChild(input);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.on(input, "input change", function () {
          spec.current = parseInt(input.value, 10);
          label.textContent = spec.steps[spec.current].label;
          entry.fill.setStyle(function (f) { return fillStyle(spec, f.properties.__i); });
          if (entry.restyleSymbols) entry.restyleSymbols();
          recountLegend(spec, entry);
        });
        entry.sliderInput = input;
        return box;
      }
    });
    new Slider().addTo(map);
  }

  function addTitle(map, spec) {
    if (!spec.title || map._tgTitle) return;
    var box = el("div", "tg-title", spec.title);
    map.getContainer().appendChild(box);
    map._tgTitle = box;
  }

  function pane(map, name, z) {
    if (!map.getPane(name)) {
      map.createPane(name);
      map.getPane(name).style.zIndex = z;
    }
    return name;
  }

  // the geography around the areas: land, changwat and amphoe borders, the other tambons
  TG.addContext = function (map, ctx) {
    try {
      var t0 = performance.now();
      var p = pane(map, "tg-context", 250);
      var renderer = L.svg({ pane: p, padding: 0.3 });
      var a = getTopo(ctx.topo);
      var group = L.layerGroup();
      L.geoJSON(a.fc, {
        renderer: renderer, pane: p, interactive: false, className: "tg-context-land",
        style: { stroke: false, fillColor: ctx.style.land, fillOpacity: 1 }
      }).addTo(group);
      var fieldOf = function (k, i) { return ctx.fields[k][i]; };
      var local = null;
      if (ctx.tambon_topo) {
        var tt = getTopo(ctx.tambon_topo);
        local = L.geoJSON(tt.fc, {
          renderer: renderer, pane: p, interactive: false, className: "tg-context-tambon",
          style: { color: ctx.style.tambon, weight: 0.5, opacity: 1, fill: true,
                   fillColor: ctx.style.tambon_fill, fillOpacity: 1 }
        }).addTo(group);
      }
      var amphoeMesh = topojson.mesh(a.topo, a.obj, function (x, y) {
        return x !== y && fieldOf("changwat", x.__i) === fieldOf("changwat", y.__i);
      });
      var amphoe = L.geoJSON(amphoeMesh, {
        renderer: renderer, pane: p, interactive: false, className: "tg-context-amphoe",
        style: { color: ctx.style.amphoe, weight: 0.6, opacity: 1, fill: false }
      });
      var changwatMesh = topojson.mesh(a.topo, a.obj, function (x, y) {
        return x === y || fieldOf("changwat", x.__i) !== fieldOf("changwat", y.__i);
      });
      L.geoJSON(changwatMesh, {
        renderer: renderer, pane: p, interactive: false, className: "tg-context-changwat",
        style: { color: ctx.style.changwat, weight: 1.1, opacity: 1, fill: false }
      }).addTo(group);
      group.addTo(map);
      var tg = map._tg;
      if (tg && tg.control) tg.control.addOverlay(group, ctx.name);
      function byZoom() {
        var z = map.getZoom();
        if (z >= ctx.amphoe_zoom) { if (!map.hasLayer(amphoe)) amphoe.addTo(map); }
        else if (map.hasLayer(amphoe)) map.removeLayer(amphoe);
      }
      map.on("zoomend", byZoom);
      byZoom();
      map._tgContext = group;
      TG.timings.context = performance.now() - t0;
    } catch (err) {
      TG.errors.push(String(err));
      throw err;
    }
  };

  // a circle at each small area's representative point, while the polygon is too small to see
  function addSymbols(map, spec, entry) {
    var sym = spec.symbols;
    if (!sym || !sym.points || !sym.points.length) return;
    var p = pane(map, "tg-symbols", 450);
    var renderer = L.svg({ pane: p, padding: 0.3 });
    var group = L.featureGroup();
    var circles = [];
    sym.points.forEach(function (pt) {
      var i = pt[2];
      var c = L.circleMarker([pt[0], pt[1]], {
        renderer: renderer, pane: p, radius: sym.radius, weight: sym.ring === "#ffffff" ? 1.2 : 2,
        color: sym.ring || "#ffffff",
        opacity: 1, fillOpacity: 1, className: "tg-symbol"
      });
      c._tgIndex = i;
      circles.push(c);
    });
    function restyle() {
      circles.forEach(function (c) {
        var st = fillStyle(spec, c._tgIndex);
        c.setStyle({ fillColor: st.dashArray ? "#bdbdbd" : st.fillColor });
      });
    }
    function update() {
      var shown = 0;
      circles.forEach(function (c) {
        var layer = entry.byIndex[c._tgIndex];
        var small = true;
        if (layer) {
          var b = layer.getBounds();
          var p1 = map.latLngToLayerPoint(b.getNorthWest());
          var p2 = map.latLngToLayerPoint(b.getSouthEast());
          small = Math.max(Math.abs(p2.x - p1.x), Math.abs(p2.y - p1.y)) < sym.max_px;
        }
        if (small) { if (!group.hasLayer(c)) group.addLayer(c); shown++; }
        else if (group.hasLayer(c)) group.removeLayer(c);
      });
      document.documentElement.setAttribute("data-tg-symbols", String(shown));
    }
    restyle();
    group.addTo(map);
    update();
    map.on("zoomend", update);
    entry.symbols = group;
    entry.restyleSymbols = restyle;
    var hasTip = spec.tooltip && spec.tooltip.length;
    var tip = L.tooltip({ sticky: true, className: "tg-tooltip", direction: "auto", offset: [12, 0] });
    group.on("mouseover", function (e) {
      if (!hasTip) return;
      tip.setContent(tooltipContent(spec, e.layer._tgIndex)).setLatLng(e.latlng);
      map.openTooltip(tip);
    });
    group.on("mouseout", function () { if (hasTip) map.closeTooltip(tip); });
    if ((spec.popup && spec.popup.length) || spec.popup_html) {
      group.on("click", function (e) {
        L.popup({ maxWidth: 360, className: "tg-popup-wrap" })
          .setLatLng(e.latlng)
          .setContent(popupContent(spec, e.layer._tgIndex))
          .openOn(map);
      });
    }
    if (map._tg && map._tg.control) map._tg.control.addOverlay(group, sym.name);
  }

  function addCredit(map, spec) {
    if (!spec.credit || map._tgCredit) return;
    if (!map.attributionControl) {
      map.attributionControl = L.control.attribution({ prefix: false }).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(spec.credit); // escaped by tambon_gis
    map._tgCredit = true;
  }

  function fitView(map, spec) {
    if (!spec.fit_bounds || map._tgFitted) return;
    var s = map.getSize();
    var pad = spec.fit_padding || 0.06;
    map.fitBounds(spec.fit_bounds, { padding: [Math.round(s.x * pad), Math.round(s.y * pad)], animate: false });
    map._tgFitted = true;
  }

  TG.addLayer = function (map, spec) {
    try {
      TG.timings.start = TG.timings.start || performance.now();
      var t = getTopo(spec.topo);
      var tg = ensureControls(map, spec);
      // the first view is set before anything is drawn, so nothing is drawn twice
      fitView(map, spec);
      if (spec.context && !map._tgContext) TG.addContext(map, spec.context);
      var t1 = performance.now();
      spec.current = spec.current || 0;
      var renderer = L.svg({ padding: 0.3 });
      var entry = { spec: spec, byIndex: [], map: map };
      var features = t.fc.features;
      if (spec.rows) {
        features = spec.rows.map(function (i) { return t.fc.features[i]; });
      }
      entry.fill = L.geoJSON({ type: "FeatureCollection", features: features }, {
        renderer: renderer,
        className: "tg-fill tg-layer-" + spec.id,
        style: function (f) { return fillStyle(spec, f.properties.__i); },
        onEachFeature: function (f, layer) { entry.byIndex[f.properties.__i] = layer; }
      }).addTo(map);
      // one tooltip, one popup and one set of listeners for the whole layer (not one per
      // tambon): thousands fewer objects, a faster first draw
      var hasTip = spec.tooltip && spec.tooltip.length;
      var hasPopup = (spec.popup && spec.popup.length) || spec.popup_html;
      var tip = L.tooltip({ sticky: true, className: "tg-tooltip", direction: "auto", offset: [12, 0] });
      entry.fill.on("mouseover", function (e) {
        var layer = e.layer, i = layer.feature.properties.__i;
        layer.setStyle({ weight: Math.max(2, spec.line.weight), color: "#222", opacity: 1 });
        if (hasTip) {
          tip.setContent(tooltipContent(spec, i)).setLatLng(e.latlng);
          if (!map.hasLayer(tip)) map.openTooltip(tip);
        }
      });
      entry.fill.on("mousemove", function (e) { if (hasTip && map.hasLayer(tip)) tip.setLatLng(e.latlng); });
      entry.fill.on("mouseout", function (e) {
        entry.fill.resetStyle(e.layer);
        if (hasTip) map.closeTooltip(tip);
      });
      if (hasPopup) {
        entry.fill.on("click", function (e) {
          L.popup({ maxWidth: 360, className: "tg-popup-wrap" })
            .setLatLng(e.latlng)
            .setContent(popupContent(spec, e.layer.feature.properties.__i))
            .openOn(map);
        });
      }
      tg.control.addOverlay(entry.fill, spec.name);
      TG.timings.fill = performance.now() - t1;
      (spec.outlines || []).forEach(function (o) {
        var key = o.field;
        var skip = o.skip || [];
        var meshKey = key + "|" + skip.join(",") + "|" + o.exterior;
        var mesh = t.meshes[meshKey];
        if (!mesh) {
          mesh = t.meshes[meshKey] = topojson.mesh(t.topo, t.obj, function (a, b) {
            if (a === b) return o.exterior;
            if (field(spec, key, a.__i) === field(spec, key, b.__i)) return false;
            return !skip.some(function (k) { return field(spec, k, a.__i) !== field(spec, k, b.__i); });
          });
        }
        var line = L.geoJSON(mesh, {
          renderer: renderer, interactive: false, className: "tg-outline tg-outline-" + o.level,
          style: { color: o.color, weight: o.weight, opacity: o.opacity, fill: false }
        }).addTo(map);
        tg.control.addOverlay(line, o.name);
        entry[o.level] = line;
      });
      if (spec.highlight && spec.highlight.length) {
        entry.highlight = L.geoJSON({
          type: "FeatureCollection",
          features: spec.highlight.map(function (i) { return t.fc.features[i]; })
        }, {
          renderer: renderer, interactive: false, className: "tg-highlight",
          style: { color: spec.highlight_style.color, weight: spec.highlight_style.weight, opacity: 1, fill: false }
        }).addTo(map);
        tg.control.addOverlay(entry.highlight, spec.highlight_name);
      }
      TG.timings.outlines = performance.now() - t1 - TG.timings.fill;
      addSymbols(map, spec, entry);
      addCredit(map, spec);
      addLegend(map, spec, entry);
      addSlider(map, spec, entry);
      addTitle(map, spec);
      if (spec.search && spec.search.length) addSearch(map, spec, entry);
      addLabels(map, spec);
      if (spec.fit) map.fitBounds(entry.fill.getBounds());
      tg.layers.push(entry);
      TG.layers.push(entry);
      requestAnimationFrame(function () {
        TG.drawnAt = performance.now();
        document.documentElement.setAttribute("data-tg-drawn", String(TG.layers.length));
      });
      return entry;
    } catch (err) {
      TG.errors.push(String(err));
      throw err;
    }
  };

  TG.addPanel = function (map, html, position) {
    var Panel = L.Control.extend({
      options: { position: position },
      onAdd: function () {
        var box = el("div", "tg-panel tg-box");
        box.innerHTML = html; // built and escaped by tambon_gis
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    return new Panel().addTo(map);
  };
})();
