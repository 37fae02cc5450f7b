// Draws the dashboards' charts with Chart.js. The server computes every series and puts it in the
// figure's data-chart attribute (JSON); this script only draws. Without JavaScript the figures stay
// hidden and the tables beside them carry the same numbers. No inline script: CSP script-src 'self'.
(function () {
  'use strict';

  var COLORS = ['#1d4f91', '#b4540a', '#1b6e3c', '#6b3fa0'];
  var formats = {};

  function formatter(decimals) {
    if (!formats[decimals]) {
      formats[decimals] = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    }
    return formats[decimals];
  }

  // A provisional period is drawn hatched (bars) or dashed (lines), never in colour alone: the legend names it.
  function hatch(color) {
    var tile = document.createElement('canvas');
    tile.width = 8;
    tile.height = 8;
    var c = tile.getContext('2d');
    c.fillStyle = color + '33';
    c.fillRect(0, 0, 8, 8);
    c.strokeStyle = color;
    c.lineWidth = 1.5;
    c.beginPath();
    c.moveTo(0, 8);
    c.lineTo(8, 0);
    c.moveTo(-2, 2);
    c.lineTo(2, -2);
    c.moveTo(6, 10);
    c.lineTo(10, 6);
    c.stroke();
    return c.createPattern(tile, 'repeat');
  }

  function withUnit(text, unit) {
    return unit ? text + '\u00a0' + unit : text;
  }

  function config(data) {
    var horizontal = Boolean(data.horizontal);
    var valueFormat = formatter(data.decimals || 0);
    var valueAxis = {
      beginAtZero: true,
      title: { display: Boolean(data.unit), text: data.unit || '' },
      ticks: {
        // Steps no finer than the indicator's precision: a count never gets « 1, 1, 0,5 » shown as « 1, 1, 0 ».
        precision: data.decimals || 0,
        callback: function (value) {
          return formatter(Number.isInteger(value) ? 0 : data.decimals || 0).format(value);
        },
      },
    };
    // A second area's total on its own right-hand axis (the server decides and names it in the legend).
    var rightAxis =
      !horizontal &&
      data.series.some(function (s) {
        return s.axis === 'right';
      });
    var provisional = data.provisional || [];
    var anyProvisional = provisional.some(Boolean);
    var isProvisional = function (i) {
      return Boolean(provisional[i]);
    };
    var datasets = data.series.map(function (s, i) {
      // A target: a dashed grey line over the bars, never drawn as provisional (it is not a figure).
      if (s.role === 'target')
        return {
          type: 'line',
          label: s.label,
          data: s.values,
          borderColor: '#5b6470',
          backgroundColor: '#5b6470',
          borderWidth: 2,
          borderDash: [4, 4],
          pointRadius: 0,
          stepped: 'middle',
          spanGaps: false,
        };
      // A target's trajectory: a straight line through its points (linear by quarter), never provisional.
      if (s.role === 'trajectory')
        return {
          type: 'line',
          label: s.label,
          data: s.values,
          borderColor: COLORS[1],
          backgroundColor: COLORS[1],
          borderWidth: 2,
          pointRadius: 3,
          pointStyle: 'rectRot',
          spanGaps: false,
        };
      // A series may bring its own colour (the comparison's up to seven lines); the others take the palette's.
      var color = s.color || COLORS[i % COLORS.length];
      var pattern = hatch(color);
      return {
        label: s.label,
        data: s.values,
        yAxisID: !horizontal && s.axis === 'right' ? 'y2' : undefined,
        backgroundColor:
          data.type === 'line'
            ? color
            : function (ctx) {
                return isProvisional(ctx.dataIndex) ? pattern : color + 'cc';
              },
        pointBackgroundColor: function (ctx) {
          return isProvisional(ctx.dataIndex) ? '#ffffff' : color;
        },
        borderColor: color,
        borderWidth: 2,
        pointRadius: 3,
        spanGaps: false,
        // Chart.js 4: the segment leading to a provisional quarter is dashed.
        segment: {
          borderDash: function (ctx) {
            return isProvisional(ctx.p1DataIndex) ? [6, 4] : undefined;
          },
        },
      };
    });
    // The legend's « provisoire » entry: a dataset without values, drawn as the provisional ones are.
    if (anyProvisional)
      datasets.push({
        label: data.provisionalLabel || 'provisoire',
        data: data.labels.map(function () {
          return null;
        }),
        backgroundColor: data.type === 'line' ? '#ffffff' : hatch('#5b6470'),
        borderColor: '#5b6470',
        borderWidth: 2,
        borderDash: [6, 4],
        pointRadius: 0,
        provisionalKey: true,
      });
    return {
      type: data.type === 'line' ? 'line' : 'bar',
      data: { labels: data.labels, datasets: datasets },
      options: {
        locale: 'fr-FR',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? 'y' : 'x',
        plugins: {
          legend: { display: data.series.length > 1 || anyProvisional },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                if (ctx.dataset.provisionalKey) return null;
                var v = horizontal ? ctx.parsed.x : ctx.parsed.y;
                var text = ctx.dataset.label + ' : ' + (v === null || v === undefined ? '—' : withUnit(valueFormat.format(v), data.unit));
                return isProvisional(ctx.dataIndex) ? text + ' (' + (data.provisionalLabel || 'provisoire') + ')' : text;
              },
            },
          },
        },
        scales: horizontal
          ? { x: valueAxis, y: categoryAxis(data) }
          : rightAxis
            ? { y: valueAxis, y2: rightOf(valueAxis) }
            : { y: valueAxis },
      },
    };
  }

  function rightOf(axis) {
    return {
      position: 'right',
      beginAtZero: true,
      title: axis.title,
      ticks: axis.ticks,
      // Its own grid would cross the left one's: only the left axis draws lines.
      grid: { drawOnChartArea: false },
    };
  }

  // Long names on a phone: the bar's label is shortened with « … » (the tooltip and the table keep it whole).
  function categoryAxis(data) {
    var max = window.innerWidth < 600 ? 16 : 40;
    return {
      ticks: {
        autoSkip: false,
        callback: function (value) {
          var label = String(data.labels[value] === undefined ? value : data.labels[value]);
          return label.length > max ? label.slice(0, max - 1).trim() + '\u2026' : label;
        },
      },
    };
  }

  function draw(figure) {
    var data;
    try {
      data = JSON.parse(figure.getAttribute('data-chart'));
    } catch {
      return;
    }
    if (!data || !data.labels || !data.labels.length) return;
    var box = document.createElement('div');
    box.className = 'chart-canvas';
    // A horizontal bar chart grows with its number of bars (CSSOM, allowed by the CSP).
    if (data.horizontal) box.style.height = Math.max(160, data.labels.length * 30 + 60) + 'px';
    var canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', figure.getAttribute('data-label') || '');
    canvas.textContent = figure.getAttribute('data-label') || '';
    box.appendChild(canvas);
    figure.appendChild(box);
    figure.hidden = false;
    var chart = new window.Chart(canvas, config(data));
    figure.classList.add('is-drawn');
    imageLink(figure, chart);
  }

  // « Télécharger l'image »: the chart as drawn, as a PNG on a white background (the canvas itself is
  // transparent), named after the chart. Added here, so the link exists only where JavaScript drew the chart.
  function imageLink(figure, chart) {
    var text = figure.getAttribute('data-image');
    if (!text) return;
    var p = document.createElement('p');
    p.className = 'chart-download';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'chart-download-button';
    button.textContent = text;
    button.addEventListener('click', function () {
      var source = chart.canvas;
      var out = document.createElement('canvas');
      out.width = source.width;
      out.height = source.height;
      var c = out.getContext('2d');
      c.fillStyle = '#ffffff';
      c.fillRect(0, 0, out.width, out.height);
      c.drawImage(source, 0, 0);
      var a = document.createElement('a');
      a.href = out.toDataURL('image/png');
      a.download = fileName(figure.getAttribute('data-image-file') || 'graphique', figure.getAttribute('data-label') || '') + '.png';
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
    p.appendChild(button);
    figure.appendChild(p);
  }

  // « ptce-graphique-emplois-non-delocalisables-crees »: the label without accents, in lower case, hyphens between words.
  function fileName(prefix, label) {
    var words = label
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80);
    return words ? prefix + '-' + words : prefix;
  }

  function init() {
    if (!window.Chart) return;
    window.Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif';
    window.Chart.defaults.color = '#1e2329';
    var figures = document.querySelectorAll('figure[data-chart]');
    for (var i = 0; i < figures.length; i++) draw(figures[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
