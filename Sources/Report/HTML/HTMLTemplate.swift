/// The style sheet and the script every HTML report inlines: no network, no
/// framework. The script draws each map when it first scrolls near the view,
/// reads the value under the pointer, zooms and filters the layer list.
enum HTMLTemplate {
    static let css = #"""
    :root { --nav: 290px; --ink: #1a1a1a; --muted: #5f5f5f; --line: #d9d9d9; --accent: #2a6db0; --warn: #b3191a; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fafafa; }
    a { color: var(--accent); text-decoration: none; }
    a:hover { text-decoration: underline; }
    #layer-nav { position: fixed; top: 0; left: 0; bottom: 0; width: var(--nav); display: flex; flex-direction: column;
      background: #fff; border-right: 1px solid var(--line); }
    .nav-head { padding: 10px 12px 6px; border-bottom: 1px solid var(--line); }
    .nav-head .home { font-weight: 700; font-size: 16px; color: var(--ink); }
    #layer-search { width: 100%; margin-top: 8px; padding: 6px 8px; font: inherit; border: 1px solid #bbb; border-radius: 4px; }
    #layer-count { margin: 4px 0 0; color: var(--muted); font-size: 12px; }
    #layer-list { list-style: none; margin: 0; padding: 4px 0 20px; overflow-y: auto; flex: 1; }
    #layer-list ul { list-style: none; margin: 0; padding: 0; }
    .group-title { position: sticky; top: 0; background: #f1f3f5; padding: 3px 12px; font-weight: 600; font-size: 12px; color: #333; }
    .group-title .count { float: right; color: var(--muted); font-weight: 400; }
    .layer-link { display: block; padding: 1px 12px 1px 22px; font-size: 12.5px; color: var(--ink); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .layer-link:hover, .layer-link.current { background: #e7f0fa; text-decoration: none; }
    .layer-link .index, h3 .index { color: var(--muted); font-variant-numeric: tabular-nums; font-weight: 400; }
    .alert-dot { color: var(--warn); }
    main { margin-left: var(--nav); padding: 16px 28px 60vh; max-width: 1700px; }
    header h1 { font-size: 22px; margin: 4px 0 8px; }
    header p { margin: 2px 0; color: #333; overflow-wrap: anywhere; }
    header p.verdict { font-size: 18px; font-weight: 700; color: var(--ink); margin-top: 8px; }
    .warning { color: var(--warn) !important; font-weight: 600; }
    section.layer p.warning { margin: 3px 0 0; }
    h2 { font-size: 17px; margin: 26px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
    .panels, .charts, .maps { display: flex; flex-wrap: wrap; gap: 28px; align-items: flex-start; }
    figure { margin: 0; }
    figcaption { font-weight: 600; margin-bottom: 6px; }
    .input-panel img { display: block; image-rendering: pixelated; border: 1px solid #999; background: #fff; }
    .input-panel p, .secondary { margin: 3px 0 0; font-size: 12.5px; color: var(--muted); }
    .bars table { border-collapse: collapse; }
    .bars th { text-align: right; padding: 2px 8px 2px 0; font-weight: 600; }
    .bars td { padding: 2px 6px 2px 0; font-size: 13px; white-space: nowrap; }
    .bar-cell { width: 240px; }
    .bar { height: 16px; background: #3b528b; border-radius: 2px; min-width: 1px; }
    .bars tr.first .bar { background: #5ec962; }
    .bar.negative { background: #4393c3; } .bar.positive { background: #d6604d; }
    .look-first ul { margin: 0; padding-left: 18px; font-size: 13px; }
    section.layer { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px 12px; margin: 0 0 16px; scroll-margin-top: 12px; }
    section.layer:target { border-color: var(--accent); box-shadow: 0 0 0 2px #b9d3ee; }
    section.layer h3 { margin: 0 0 4px; font-size: 15px; overflow-wrap: anywhere; }
    .group-tag { font-size: 11px; font-weight: 600; color: #fff; background: #7a8794; border-radius: 3px; padding: 1px 6px; margin-left: 6px; vertical-align: 2px; }
    .meta { margin: 0; font-size: 13px; }
    .connections { margin: 4px 0 0; font-size: 12.5px; color: var(--muted); overflow-wrap: anywhere; }
    .maps { margin-top: 10px; }
    figure.map { max-width: 100%; }
    figure.map figcaption { font-weight: 500; font-size: 12.5px; color: #333; }
    .quantised { font-size: 11px; color: var(--muted); border: 1px solid #ccc; border-radius: 3px; padding: 0 4px; }
    .zoom { display: flex; gap: 4px; align-items: center; margin-bottom: 4px; }
    .zoom button { font: inherit; font-size: 13px; line-height: 1; padding: 3px 8px; border: 1px solid #bbb; background: #f6f6f6; border-radius: 3px; cursor: pointer; }
    .zoom button:hover { background: #e8e8e8; }
    .zoom-level { font-size: 12px; color: var(--muted); margin-left: 4px; }
    .viewport { overflow: auto; max-width: min(100%, 1200px); max-height: 80vh; border: 1px solid #999; display: inline-block; background: #fff; }
    .viewport canvas { display: block; image-rendering: pixelated; cursor: crosshair; }
    .colorbar { display: grid; grid-template-columns: auto 1fr auto; width: 260px; margin-top: 4px; font-size: 11.5px; color: var(--muted); }
    .colorbar canvas { grid-column: 1 / 4; width: 100%; height: 10px; image-rendering: pixelated; border: 1px solid #999; }
    .colorbar .high { grid-column: 3; }
    .readout { margin: 4px 0 0; min-height: 1.4em; font-size: 12.5px; font-variant-numeric: tabular-nums; color: #333; max-width: 520px; }
    .readout.padding { color: var(--muted); font-style: italic; }
    table.scores, table.confusion { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
    table.scores th, table.scores td { padding: 2px 8px; text-align: right; }
    table.scores tr:nth-child(even) { background: #f3f3f3; }
    table.scores .f1 { text-align: left; width: 140px; }
    table.scores .f1 div { height: 10px; background: #21918c; display: inline-block; vertical-align: middle; margin-right: 6px; }
    table.confusion th { font-weight: 600; padding: 1px 4px; }
    table.confusion td { width: 24px; height: 22px; text-align: center; padding: 0; font-size: 10px; }
    .metrics { font-size: 12.5px; margin: 6px 0 0; border-collapse: collapse; }
    .metrics td { padding: 1px 10px 1px 0; }
    """#

    static let script = #"""
    "use strict";
    // LayerLens HTML report. The maps' descriptions come from the JSON in
    // #layerlens-data, their values from #map-data-<id>: exact float32 (base64,
    // little-endian) or a grayscale PNG atlas of 8-bit codes. Each map is drawn
    // when it first comes near the view.
    (function () {
      const report = JSON.parse(document.getElementById("layerlens-data").textContent);
      const MAGENTA = [255, 0, 255], PADDING = [230, 230, 230], PADDING_LINE = [175, 175, 175], GAP = [255, 255, 255];
      const NON_FINITE = ["NaN", "inf", "-inf"];
      const tables = {};
      for (const name in report.colormaps) tables[name] = bytesOfBase64(report.colormaps[name]);

      function bytesOfBase64(text) {
        const binary = atob(text);
        const bytes = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
        return bytes;
      }

      // The shortest decimal that reads back as the same float32: exact values stay exact.
      function float32Text(value) {
        if (!isFinite(value)) return isNaN(value) ? "NaN" : (value > 0 ? "inf" : "-inf");
        for (let digits = 1; digits < 10; digits++) {
          const text = value.toPrecision(digits);
          if (Math.fround(Number(text)) === value) return String(Number(text));
        }
        return String(value);
      }

      // A number for people: four significant digits.
      function shortText(value) {
        return isFinite(value) ? String(Number(value.toPrecision(4))) : float32Text(value);
      }

      // The colour of a finite value on the map's scale: entry ⌊t·256⌋ of the table, as matplotlib.
      function colourOf(map, value) {
        const table = tables[map.palette];
        const t = map.high > map.low ? (value - map.low) / (map.high - map.low) : 0;
        const entry = Math.min(255, Math.max(0, Math.floor(t * 256))) * 3;
        return [table[entry], table[entry + 1], table[entry + 2]];
      }

      // The values of a map in value order (HWC for tiles, unit order for grids):
      // {value(i), nonFinite(i), halfStep} — decoded from float32 or from the PNG atlas.
      async function loadValues(map, id) {
        const text = document.getElementById("map-data-" + id).textContent;
        if (map.encoding === "f32") {
          const bytes = bytesOfBase64(text);
          const view = new DataView(bytes.buffer);
          const values = new Float32Array(bytes.length / 4);
          for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(4 * i, true);
          return { count: values.length, value: i => values[i], halfStep: 0 };
        }
        const image = new Image();
        image.src = text;
        await image.decode();
        const scratch = document.createElement("canvas");
        scratch.width = image.width;
        scratch.height = image.height;
        const context = scratch.getContext("2d", { willReadFrequently: true });
        context.drawImage(image, 0, 0);
        const pixels = context.getImageData(0, 0, image.width, image.height).data;
        const codes = codesInValueOrder(map.layout, pixels, image.width);
        const special = new Map(map.nonFinite.map(([index, kind]) => [index, [NaN, Infinity, -Infinity][kind]]));
        return {
          count: codes.length,
          value: i => codes[i] === 255 ? special.get(i) : map.quantLow + codes[i] * map.step,
          halfStep: map.step / 2,
          code: i => codes[i],
        };
      }

      // The atlas's grey levels (red channel of RGBA) back in value order.
      function codesInValueOrder(layout, pixels, atlasWidth) {
        if (layout.kind === "grid") {
          const codes = new Uint8Array(layout.units);
          for (let i = 0; i < layout.units; i++) codes[i] = pixels[4 * i];
          return codes;
        }
        const { height, width, channels, columns } = layout;
        const codes = new Uint8Array(height * width * channels);
        for (let channel = 0; channel < channels; channel++) {
          const top = Math.floor(channel / columns) * height, left = (channel % columns) * width;
          for (let row = 0; row < height; row++) {
            for (let column = 0; column < width; column++) {
              codes[(row * width + column) * channels + channel] = pixels[4 * ((top + row) * atlasWidth + left + column)];
            }
          }
        }
        return codes;
      }

      // Paints every value into the figure's canvas; padding cells hatched grey, tile gaps white.
      function paint(figure, map, values) {
        const canvas = figure.querySelector("canvas.values");
        const context = canvas.getContext("2d");
        const image = context.createImageData(canvas.width, canvas.height);
        const data = image.data;
        const put = (x, y, rgb) => {
          const at = 4 * (y * canvas.width + x);
          data[at] = rgb[0]; data[at + 1] = rgb[1]; data[at + 2] = rgb[2]; data[at + 3] = 255;
        };
        // 8-bit maps look their 256 codes up once; float32 maps colour each value.
        const codeColours = values.code
          ? Array.from({ length: 256 }, (_, code) => code === 255 ? MAGENTA : colourOf(map, map.quantLow + code * map.step)) : null;
        const colour = codeColours ? (i => codeColours[values.code(i)]) : (i => {
          const value = values.value(i);
          return isFinite(value) ? colourOf(map, value) : MAGENTA;
        });
        const layout = map.layout;
        if (layout.kind === "tiles") {
          for (let y = 0; y < canvas.height; y++) for (let x = 0; x < canvas.width; x++) put(x, y, GAP);
          const { height, width, channels, columns, gap } = layout;
          for (let row = 0; row < height; row++) {
            for (let column = 0; column < width; column++) {
              for (let channel = 0; channel < channels; channel++) {
                const x = (channel % columns) * (width + gap) + column, y = Math.floor(channel / columns) * (height + gap) + row;
                put(x, y, colour((row * width + column) * channels + channel));
              }
            }
          }
        } else {
          const { rows, columns, units, cell } = layout;
          for (let row = 0; row < rows; row++) {
            for (let column = 0; column < columns; column++) {
              const unit = row * columns + column;
              const rgb = unit < units ? colour(unit) : null;
              for (let dy = 0; dy < cell; dy++) {
                for (let dx = 0; dx < cell; dx++) {
                  const hatch = cell > 1 ? (dx + dy) % cell === 0 : false;
                  put(column * cell + dx, row * cell + dy, rgb || (hatch ? PADDING_LINE : PADDING));
                }
              }
            }
          }
        }
        context.putImageData(image, 0, 0);
      }

      // The colour bar: the 256 entries of the map's table.
      function paintColourBar(figure, map) {
        const canvas = figure.querySelector(".colorbar canvas");
        const context = canvas.getContext("2d");
        const image = context.createImageData(256, 1);
        const table = tables[map.palette];
        for (let i = 0; i < 256; i++) {
          image.data.set([table[3 * i], table[3 * i + 1], table[3 * i + 2], 255], 4 * i);
        }
        context.putImageData(image, 0, 0);
      }

      // What sits under canvas pixel (x, y): {index, channel, row, column}, {padding}, or null for a gap.
      function locate(layout, x, y) {
        if (layout.kind === "tiles") {
          const { height, width, channels, columns, gap } = layout;
          const tileX = Math.floor(x / (width + gap)), tileY = Math.floor(y / (height + gap));
          const column = x - tileX * (width + gap), row = y - tileY * (height + gap);
          const channel = tileY * columns + tileX;
          if (column >= width || row >= height || tileX >= columns || channel >= channels) return null;
          return { index: (row * width + column) * channels + channel, channel, row, column };
        }
        const row = Math.floor(y / layout.cell), column = Math.floor(x / layout.cell);
        if (row >= layout.rows || column >= layout.columns) return null;
        const unit = row * layout.columns + column;
        return unit < layout.units ? { index: unit, row, column } : { padding: true, row, column };
      }

      // The read-out of one place: where it is and its value, exact or within half a step.
      function describe(map, values, place) {
        if (place.padding) return `padding cell (row ${place.row}, column ${place.column}): not a unit`;
        const value = values.value(place.index);
        const where = place.channel !== undefined
          ? `channel ${place.channel} · row ${place.row}, column ${place.column} · index ${place.index}`
          : (map.rowLabels ? `${map.rowLabels[place.row]} · column ${place.column}`
                           : `unit ${place.index}${map.labels ? " (" + map.labels[place.index] + ")" : ""} · row ${place.row}, column ${place.column}`);
        if (!isFinite(value)) return `${where}: ${float32Text(value)}`;
        if (map.encoding === "f32") return `${where}: ${float32Text(value)}`;
        return `${where}: ≈ ${shortText(value)} ± ${shortText(values.halfStep)} (8-bit: within half the step ${shortText(map.step)})`;
      }

      // Hover: the read-out follows the pointer; machine-readable copies sit in data attributes.
      function attachReadout(figure, map, values) {
        const canvas = figure.querySelector("canvas.values");
        const readout = figure.querySelector(".readout");
        canvas.addEventListener("mousemove", event => {
          const rect = canvas.getBoundingClientRect();
          const x = Math.floor((event.clientX - rect.left) * canvas.width / rect.width);
          const y = Math.floor((event.clientY - rect.top) * canvas.height / rect.height);
          const place = locate(map.layout, x, y);
          for (const key of ["index", "channel", "row", "column", "value", "halfStep"]) delete readout.dataset[key];
          if (!place) { readout.textContent = "between tiles"; readout.className = "readout padding"; return; }
          readout.textContent = describe(map, values, place);
          readout.className = place.padding ? "readout padding" : "readout";
          if (place.padding) return;
          for (const key of ["index", "channel", "row", "column"]) if (place[key] !== undefined) readout.dataset[key] = place[key];
          readout.dataset.value = String(values.value(place.index));
          readout.dataset.halfStep = String(values.halfStep);
        });
      }

      // Zoom: powers of two from 1/8 to 64, nearest-neighbour (image-rendering: pixelated).
      function attachZoom(figure) {
        const canvas = figure.querySelector("canvas.values");
        const initial = Number(figure.dataset.zoom);
        const label = figure.querySelector(".zoom-level");
        const apply = zoom => {
          figure.dataset.zoom = zoom;
          canvas.style.width = canvas.width * zoom + "px";
          canvas.style.height = canvas.height * zoom + "px";
          // Enlarged maps keep every cell crisp; shrunk ones are smoothed rather than decimated.
          canvas.style.imageRendering = zoom >= 1 ? "pixelated" : "auto";
          label.textContent = zoom >= 1 ? `×${zoom}` : `×1/${1 / zoom}`;
        };
        figure.querySelector(".zoom").addEventListener("click", event => {
          const step = event.target.dataset && event.target.dataset.zoomStep;
          if (!step) return;
          const zoom = Number(figure.dataset.zoom);
          apply(step === "in" ? Math.min(64, zoom * 2) : step === "out" ? Math.max(0.125, zoom / 2) : initial);
        });
        apply(initial);
      }

      // Draws a figure's map once: values, colour bar, hover.
      async function draw(figure) {
        if (figure.dataset.drawn) return;
        figure.dataset.drawn = "pending";
        const id = Number(figure.dataset.map);
        const map = report.maps[id];
        const values = await loadValues(map, id);
        paint(figure, map, values);
        paintColourBar(figure, map);
        attachReadout(figure, map, values);
        figure.dataset.drawn = "true";
      }

      // The layer list's filter: every word must appear in the name or the class.
      function attachSearch() {
        const input = document.getElementById("layer-search");
        const count = document.getElementById("layer-count");
        const links = Array.from(document.querySelectorAll(".layer-link"));
        input.addEventListener("input", () => {
          const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
          let shown = 0;
          for (const link of links) {
            const text = (link.dataset.name + " " + link.dataset.class).toLowerCase();
            const match = words.every(word => text.includes(word));
            link.parentElement.hidden = !match;
            if (match) shown++;
          }
          for (const group of document.querySelectorAll("#layer-list > .group")) {
            group.hidden = !group.querySelector("li:not([hidden])");
          }
          count.textContent = words.length ? `${shown} of ${links.length} layers` : `${links.length} layers`;
        });
      }

      // Marks the list entry of the layer in view.
      function attachCurrentLayer() {
        const links = new Map(Array.from(document.querySelectorAll(".layer-link")).map(link => [link.dataset.index, link]));
        let current = null;
        const observer = new IntersectionObserver(entries => {
          for (const entry of entries) {
            if (!entry.isIntersecting) continue;
            if (current) current.classList.remove("current");
            current = links.get(entry.target.dataset.index);
            if (current) current.classList.add("current");
          }
        }, { rootMargin: "-10% 0px -80% 0px" });
        document.querySelectorAll("section.layer").forEach(section => observer.observe(section));
      }

      function start() {
        const figures = document.querySelectorAll("figure.map");
        figures.forEach(attachZoom);
        const observer = new IntersectionObserver(entries => {
          for (const entry of entries) {
            if (!entry.isIntersecting) continue;
            observer.unobserve(entry.target);
            draw(entry.target).catch(error => { console.error("LayerLens: map " + entry.target.dataset.map + ": " + error); });
          }
        }, { rootMargin: "800px 0px" });
        figures.forEach(figure => observer.observe(figure));
        attachSearch();
        attachCurrentLayer();
        document.body.dataset.ready = "true";
      }

      start();
    })();
    """#
}
