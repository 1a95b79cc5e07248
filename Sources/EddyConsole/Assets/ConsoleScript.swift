// console.js of the web console, kept in the binary (no files to install, no build step).
enum ConsoleScript {
    static let text = #"""
'use strict';
// Eddy's console: one page, no framework. Every string a user controls reaches the page as a
// text node or an attribute set through the DOM, never as markup.
(function () {
  const main = document.getElementById('main');
  const params = new URLSearchParams(location.search);
  const region = params.get('region') || '';
  let live = [];           // event sources of the view shown; closed when the view changes
  let timers = [];

  // ---- DOM --------------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    add(el, children);
    return el;
  }
  function add(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  const SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
    for (const c of children.flat(Infinity)) if (c !== undefined && c !== null) el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }
  function show(...nodes) { main.replaceChildren(...nodes.flat(Infinity).filter(Boolean)); }
  function errorBox(e) { return h('div', { class: 'error', role: 'alert' }, String(e && e.message || e)); }
  function state(value) { return h('span', { class: 'state state-' + String(value).replace(/[^A-Z_]/g, '') }, value); }
  function link(href, text) { return h('a', { href }, text); }
  function table(head, rows, empty) {
    if (!rows.length) return h('p', { class: 'muted' }, empty || 'None.');
    return h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, head.map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map(r => h('tr', {}, r.map(c => c instanceof Node && c.tagName === 'TD' ? c : h('td', {}, c)))))));
  }
  function num(v, digits) {
    if (v === undefined || v === null || !isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(1) + ' G';
    if (a >= 1e6) return (v / 1e6).toFixed(1) + ' M';
    if (a >= 1e4) return (v / 1e3).toFixed(1) + ' k';
    return Number(v.toFixed(digits === undefined ? (a < 10 ? 2 : 1) : digits)).toString();
  }
  function bytes(n) {
    if (!isFinite(n)) return '–';
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB']; let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : n) + ' ' + u[i];
  }
  function when(t) {
    if (t === undefined || t === null || t === '') return '–';
    const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
    return isNaN(d) ? String(t) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }
  function duration(sec) {
    const d = Math.floor(sec / 86400), hh = Math.floor(sec % 86400 / 3600), m = Math.floor(sec % 3600 / 60);
    return (d ? d + 'd ' : '') + (d || hh ? hh + 'h ' : '') + m + 'm ' + Math.floor(sec % 60) + 's';
  }

  // ---- API --------------------------------------------------------------------------------
  function url(path, q) {
    const p = new URLSearchParams(q || {});
    if (region) p.set('region', region);
    const qs = p.toString();
    return '/_eddy/api/' + path + (qs ? '?' + qs : '');
  }
  async function api(path, q, body) {
    const r = await fetch(url(path, q), body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await r.text();
    let json = {};
    try { json = text ? JSON.parse(text) : {}; } catch (e) { json = { message: text }; }
    if (!r.ok) throw new Error((json.code || json.__type || r.status) + ': ' + (json.message || json.Message || r.statusText));
    return json;
  }
  function stream(path, q, onEvent, name) {
    const es = new EventSource(url(path, q));
    es.addEventListener(name || 'update', ev => { try { onEvent(JSON.parse(ev.data)); } catch (e) { console.warn(e); } });
    live.push(es);
    return es;
  }
  function every(ms, f) { timers.push(setInterval(f, ms)); }

  // ---- Record data ------------------------------------------------------------------------
  function decode64(b64) {
    try { const bin = atob(b64 || ''); const out = new Uint8Array(bin.length); for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i); return out; }
    catch (e) { return new Uint8Array(); }
  }
  function toBase64(u8) { let bin = ''; for (let i = 0; i < u8.length; i++) bin += String.fromCharCode(u8[i]); return btoa(bin); }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  function render(u8) {
    let text;
    try { text = utf8.decode(u8); } catch (e) { return { kind: 'base64', text: toBase64(u8) }; }
    try { const v = JSON.parse(text); if (v && typeof v === 'object') return { kind: 'json', text: JSON.stringify(v, null, 2) }; } catch (e) { }
    return { kind: 'text', text };
  }
  // The KPL's aggregated records: magic, a protobuf message, its MD5. Parsed with loops bounded by the bytes.
  function varint(b, i) { let v = 0, mul = 1; while (i < b.length) { const x = b[i++]; v += (x & 0x7f) * mul; if (x < 0x80) return [v, i]; mul *= 128; if (mul > 2 ** 56) break; } return [-1, b.length + 1]; }
  function fields(b, cb) {
    let i = 0;
    while (i < b.length) {
      const [key, j] = varint(b, i); if (key < 0) return false; i = j;
      const f = Math.floor(key / 8), wt = key % 8;
      if (wt === 0) { const [v, k] = varint(b, i); if (v < 0) return false; i = k; cb(f, wt, v); }
      else if (wt === 2) { const [len, k] = varint(b, i); if (len < 0 || k + len > b.length) return false; cb(f, wt, b.subarray(k, k + len)); i = k + len; }
      else if (wt === 1) i += 8; else if (wt === 5) i += 4; else return false;
    }
    return i === b.length;
  }
  function deaggregate(u8) {
    const magic = [0xF3, 0x89, 0x9A, 0xC2];
    if (u8.length < 20 || !magic.every((m, i) => u8[i] === m)) return null;
    const keys = [], records = [];
    const ok = fields(u8.subarray(4, u8.length - 16), (f, wt, v) => {
      if (f === 1 && wt === 2) keys.push(new TextDecoder().decode(v));
      else if (f === 3 && wt === 2) { const r = { pk: 0, data: new Uint8Array() }; fields(v, (g, wt2, w) => { if (g === 1 && wt2 === 0) r.pk = w; else if (g === 3 && wt2 === 2) r.data = w; }); records.push(r); }
    });
    return ok ? records.map(r => ({ partitionKey: keys[r.pk] || '', data: r.data })) : null;
  }

  // ---- Charts -----------------------------------------------------------------------------
  const colors = ['--s1', '--s2', '--s3', '--s4', '--s5', '--s6', '--s7', '--s8'];
  function color(i) { return 'var(' + colors[i % colors.length] + ')'; }
  // series: [{label, points: [[tSeconds, value]…]}]; opts: {threshold, stacked, unit, height}
  function chart(series, opts) {
    opts = opts || {};
    const W = opts.width || 560, H = opts.height || 220, L = 52, R = 12, T = opts.unit ? 26 : 12, B = 24;
    let pts = series.map(x => x.points.slice().sort((a, b) => a[0] - b[0]));
    if (opts.stacked) {
      const acc = {};
      pts = pts.map(p => p.map(([t, v]) => { acc[t] = (acc[t] || 0) + v; return [t, acc[t]]; }));
    }
    const all = pts.flat();
    const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': opts.title || series.map(x => x.label).join(', ') || 'chart' });
    if (!all.length) {
      svg.appendChild(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'No data in this time range'));
      return h('figure', { style: null }, svg);
    }
    let t0 = Math.min(...all.map(p => p[0])), t1 = Math.max(...all.map(p => p[0]));
    if (opts.from) t0 = Math.min(t0, opts.from); if (opts.to) t1 = Math.max(t1, opts.to);
    if (t1 === t0) { t0 -= 60; t1 += 60; }
    let v0 = Math.min(0, ...all.map(p => p[1])), v1 = Math.max(...all.map(p => p[1]));
    if (opts.threshold !== undefined && isFinite(opts.threshold)) { v0 = Math.min(v0, opts.threshold); v1 = Math.max(v1, opts.threshold); }
    if (v1 === v0) v1 = v0 + 1;
    const step = niceStep((v1 - v0) / 4); v1 = Math.ceil(v1 / step) * step; v0 = Math.floor(v0 / step) * step;
    const x = t => L + (t - t0) / (t1 - t0) * (W - L - R), y = v => T + (1 - (v - v0) / (v1 - v0)) * (H - T - B);
    for (let v = v0, n = 0; v <= v1 + step / 2 && n < 12; v += step, n++) {
      svg.appendChild(s('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      svg.appendChild(s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, num(v)));
    }
    // Time ticks on round minutes, hours or days, at most six of them.
    const span = t1 - t0;
    const tick = [10, 30, 60, 300, 600, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800].find(x => span / x <= 6) || 604800;
    for (let t = Math.ceil(t0 / tick) * tick, n = 0; t <= t1 && n < 8; t += tick, n++) {
      const d = new Date(t * 1000);
      const label = tick >= 86400 ? d.toISOString().slice(5, 10) : d.toISOString().slice(11, tick < 60 ? 19 : 16);
      svg.appendChild(s('line', { class: 'grid', x1: x(t), x2: x(t), y1: H - B, y2: H - B + 4 }));
      svg.appendChild(s('text', { x: x(t), y: H - 6, 'text-anchor': 'middle' }, label));
    }
    if (opts.unit) svg.appendChild(s('text', { x: 4, y: 12 }, opts.unit));
    pts.forEach((p, i) => {
      if (!p.length) return;
      const d = p.map(([t, v], j) => (j ? 'L' : 'M') + x(t).toFixed(1) + ' ' + y(v).toFixed(1)).join(' ');
      svg.appendChild(s('path', { d, fill: 'none', stroke: color(i), 'stroke-width': 2, 'data-series': series[i].label }));
      if (p.length < 40) p.forEach(([t, v]) => svg.appendChild(s('circle', { cx: x(t), cy: y(v), r: 2.5, fill: color(i) }, s('title', {}, `${series[i].label}: ${num(v, 3)} at ${when(t)}`))));
    });
    if (opts.threshold !== undefined && isFinite(opts.threshold)) {
      svg.appendChild(s('line', { class: 'threshold', x1: L, x2: W - R, y1: y(opts.threshold), y2: y(opts.threshold) }));
      svg.appendChild(s('text', { x: W - R, y: y(opts.threshold) - 4, 'text-anchor': 'end' }, 'threshold ' + num(opts.threshold)));
    }
    const legend = h('div', { class: 'legend' }, series.map((x2, i) => h('span', {}, h('i', { style: null, class: 'sw' + (i % 8) }), x2.label || '(no label)')));
    legend.querySelectorAll('i').forEach((el, i) => { el.style.background = color(i); });
    return h('figure', { class: 'figure', 'data-series-count': series.length }, svg, legend);
  }
  function niceStep(raw) { const p = Math.pow(10, Math.floor(Math.log10(raw || 1))); const f = raw / p; return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p; }
  function fromResults(results) {
    return (results || []).map(r => ({ label: r.Label || r.Id, id: r.Id, points: (r.Timestamps || []).map((t, i) => [typeof t === 'number' ? t : Date.parse(t) / 1000, r.Values[i]]) }));
  }
  async function metricData(queries, minutes) {
    const now = Math.floor(Date.now() / 1000);
    const r = await api('cloudwatch/data', {}, { StartTime: now - minutes * 60, EndTime: now + 60, ScanBy: 'TimestampAscending', MetricDataQueries: queries });
    return fromResults(r.MetricDataResults);
  }
  function kinesisQuery(id, stream, metric, stat, period) {
    return { Id: id, Label: metric, MetricStat: { Metric: { Namespace: 'AWS/Kinesis', MetricName: metric, Dimensions: [{ Name: 'StreamName', Value: stream }] }, Period: period || 60, Stat: stat || 'Sum' } };
  }

  // ---- Markdown (text widgets): a small subset, built as DOM nodes ------------------------------
  function markdown(text) {
    const out = h('div', { class: 'md' });
    let list = null;
    for (const line of String(text || '').split('\n').slice(0, 500)) {
      const m = /^(#{1,6})\s+(.*)$/.exec(line), li = /^\s*[-*]\s+(.*)$/.exec(line);
      if (li) { if (!list) { list = h('ul'); out.appendChild(list); } list.appendChild(h('li', {}, inline(li[1]))); continue; }
      list = null;
      if (m) out.appendChild(h('h' + Math.min(6, m[1].length + 2), {}, inline(m[2])));
      else if (line.trim()) out.appendChild(h('p', {}, inline(line)));
    }
    return out;
  }
  function inline(text) {
    const nodes = [];
    const re = /(\*\*([^*]+)\*\*)|(\*([^*]+)\*)|(`([^`]+)`)|(\[([^\]]+)\]\(([^)\s]+)\))/g;
    let last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) nodes.push(text.slice(last, m.index));
      if (m[2]) nodes.push(h('strong', {}, m[2]));
      else if (m[4]) nodes.push(h('em', {}, m[4]));
      else if (m[6]) nodes.push(h('code', {}, m[6]));
      else if (m[8]) nodes.push(/^https?:\/\//i.test(m[9]) ? h('a', { href: m[9], rel: 'noopener noreferrer' }, m[8]) : m[8]);
      last = re.lastIndex;
    }
    if (last < text.length) nodes.push(text.slice(last));
    return nodes;
  }

  // ---- Views ------------------------------------------------------------------------------
  async function overview() {
    const body = h('div');
    show(h('h1', {}, 'Overview'), body);
    const draw = o => {
      const rates = o.rates || {};
      const alarms = [...((o.alarms || {}).MetricAlarms || []), ...((o.alarms || {}).CompositeAlarms || [])];
      const counts = { ALARM: 0, OK: 0, INSUFFICIENT_DATA: 0 };
      alarms.forEach(a => counts[a.StateValue] = (counts[a.StateValue] || 0) + 1);
      body.replaceChildren(
        h('div', { class: 'cards' },
          h('section', { class: 'card' }, h('h3', {}, 'Eddy'), h('dl', { class: 'facts' },
            h('dt', {}, 'Version'), h('dd', {}, o.version), h('dt', {}, 'Region'), h('dd', {}, o.region), h('dt', {}, 'Account'), h('dd', {}, o.accountId),
            h('dt', {}, 'Data dir'), h('dd', {}, o.dataDirectory), h('dt', {}, 'Uptime'), h('dd', {}, duration(o.uptimeSeconds)), h('dt', {}, 'Disk use'), h('dd', {}, bytes(o.diskBytes)))),
          h('section', { class: 'card' }, h('h3', {}, link('#/alarms', 'Alarms')),
            h('p', {}, state('ALARM'), ' ', counts.ALARM, '  ', state('OK'), ' ', counts.OK, '  ', state('INSUFFICIENT_DATA'), ' ', counts.INSUFFICIENT_DATA))),
        h('h2', {}, link('#/kinesis', 'Kinesis streams')),
        table(['Stream', 'Status', 'Mode', 'Open shards', 'In (records/s)', 'Out (records/s)'], (o.streams || []).map(x => {
          const d = x.StreamDescriptionSummary || {}, r = (rates.streams || {})[d.StreamName] || {};
          return [link('#/kinesis/' + encodeURIComponent(d.StreamName), d.StreamName), state(d.StreamStatus), (d.StreamModeDetails || {}).StreamMode || 'PROVISIONED',
            d.OpenShardCount, h('td', { class: 'num rates' }, num(r.in)), h('td', { class: 'num rates' }, num(r.out))];
        }), 'No streams in this region.'),
        h('h2', {}, link('#/firehose', 'Firehose delivery streams')),
        table(['Delivery stream', 'Deliveries (a minute)', 'Records delivered (a minute)'], ((o.deliveryStreams || {}).DeliveryStreamNames || []).map(n => {
          const r = (rates.deliveryStreams || {})[n] || {};
          return [link('#/firehose', n), h('td', { class: 'num rates' }, num(r.deliveries)), h('td', { class: 'num rates' }, num(r.records))];
        }), 'No delivery streams.'),
        h('h2', {}, link('#/s3', 'S3 buckets')),
        table(['Bucket', 'Created'], (o.buckets || []).map(b => [link('#/s3/' + encodeURIComponent(b.Name), b.Name), when(b.CreationDate)]), 'No buckets.'),
        h('h2', {}, link('#/dynamodb', 'DynamoDB tables')),
        table(['Table'], ((o.tables || {}).TableNames || []).map(n => [link('#/dynamodb/' + encodeURIComponent(n), n)]), 'No tables.'));
    };
    draw(await api('overview'));
    stream('live', { view: 'overview' }, draw);
  }

  async function streamsView() {
    const r = await api('kinesis/streams');
    show(h('h1', {}, 'Kinesis streams'), table(['Stream', 'Status', 'Mode', 'Open shards', 'Retention (h)', 'Encryption', 'Consumers', 'Created'],
      r.streams.map(x => { const d = x.StreamDescriptionSummary || {}; return [link('#/kinesis/' + encodeURIComponent(d.StreamName), d.StreamName), state(d.StreamStatus),
        (d.StreamModeDetails || {}).StreamMode || 'PROVISIONED', d.OpenShardCount, d.RetentionPeriodHours, d.EncryptionType || 'NONE', d.ConsumerCount || 0, when(d.StreamCreationTimestamp)]; }),
      'No streams in this region. Create one with aws kinesis create-stream.'));
  }

  function lineage(shards) {
    const byId = Object.fromEntries(shards.map(x => [x.ShardId, x]));
    const depth = {};
    for (let pass = 0; pass < shards.length + 1; pass++) {
      let changed = false;
      for (const x of shards) {
        const parents = [x.ParentShardId, x.AdjacentParentShardId].filter(p => p && byId[p]);
        const d = parents.length ? Math.max(...parents.map(p => (depth[p] || 0) + 1)) : 0;
        if (depth[x.ShardId] !== d) { depth[x.ShardId] = d; changed = true; }
      }
      if (!changed) break;
    }
    const levels = [];
    shards.forEach(x => { (levels[depth[x.ShardId]] = levels[depth[x.ShardId]] || []).push(x); });
    const bw = 150, bh = 34, gx = 40, gy = 14;
    const W = Math.max(1, levels.length) * (bw + gx), H = Math.max(1, ...levels.map(l => l.length)) * (bh + gy);
    const pos = {};
    levels.forEach((l, i) => l.forEach((x, j) => { pos[x.ShardId] = [i * (bw + gx) + 4, j * (bh + gy) + 4]; }));
    const svg = s('svg', { class: 'lineage', width: W + 8, height: H + 8, viewBox: `0 0 ${W + 8} ${H + 8}`, role: 'img', 'aria-label': 'Shard lineage' });
    shards.forEach(x => [x.ParentShardId, x.AdjacentParentShardId].forEach(p => {
      if (!p || !pos[p]) return;
      svg.appendChild(s('line', { x1: pos[p][0] + bw, y1: pos[p][1] + bh / 2, x2: pos[x.ShardId][0], y2: pos[x.ShardId][1] + bh / 2 }));
    }));
    shards.forEach(x => {
      const [px, py] = pos[x.ShardId], closed = !!(x.SequenceNumberRange || {}).EndingSequenceNumber;
      svg.appendChild(s('rect', { x: px, y: py, width: bw, height: bh, rx: 5, class: closed ? 'closed' : 'open' }));
      svg.appendChild(s('text', { x: px + 8, y: py + 14 }, x.ShardId));
      svg.appendChild(s('text', { x: px + 8, y: py + 28 }, closed ? 'closed' : 'open'));
    });
    return svg;
  }

  async function streamView(name) {
    const r = await api('kinesis/stream', { name });
    const d = r.summary.StreamDescriptionSummary || {};
    const charts = h('div', { class: 'charts' });
    const tail = h('div', { class: 'tail', 'aria-live': 'polite', id: 'tail' });
    const tailNote = h('p', { class: 'muted small', id: 'tail-note' }, 'Not tailing.');
    const filter = h('input', { id: 'tail-filter', placeholder: 'partition key or text' });
    const shardPick = h('select', { id: 'tail-shard' }, h('option', { value: '' }, 'all shards'), r.shards.map(x => h('option', { value: x.ShardId }, x.ShardId)));
    const fromPick = h('select', { id: 'tail-from' }, h('option', { value: 'LATEST' }, 'new records'), h('option', { value: 'TRIM_HORIZON' }, 'from the oldest'));
    let tailSource = null, shown = 0;
    const startTail = ev => {
      if (ev) ev.preventDefault();
      if (tailSource) { tailSource.close(); live = live.filter(x => x !== tailSource); }
      tail.replaceChildren(); shown = 0;
      tailNote.textContent = 'Tailing…';
      tailSource = stream('kinesis/tail', { stream: name, shard: shardPick.value, from: fromPick.value, filter: filter.value }, batch => {
        for (const rec of batch.records) {
          const raw = decode64(rec.data), parts = deaggregate(raw);
          const items = parts ? parts.map((p, i) => ({ pk: p.partitionKey, data: p.data, sub: i })) : [{ pk: rec.partitionKey, data: raw }];
          for (const it of items) {
            const v = render(it.data);
            tail.prepend(h('div', { class: 'rec' }, h('div', { class: 'meta' }, h('span', {}, rec.shard), h('span', {}, 'key ', h('code', { class: 'pk' }, it.pk)),
              h('span', {}, 'seq ', rec.sequenceNumber, it.sub !== undefined ? ' #' + it.sub + ' (KPL aggregate)' : ''), h('span', {}, when(rec.arrival)), h('span', {}, v.kind)),
              h('pre', { class: 'data' }, v.text)));
            shown++;
          }
        }
        while (tail.childNodes.length > 300) tail.removeChild(tail.lastChild);
        tailNote.textContent = batch.sent < batch.seen || batch.millisBehind > 1000 ? `Sampling: ${batch.sent} of the ${batch.seen} records read in the last quarter second shown${batch.millisBehind > 1000 ? ', the stream runs ahead of the tail' : ''} (${shown} in all).` : `${shown} records shown.`;
      }, 'records');
    };
    const pk = h('input', { id: 'put-key', value: 'console', required: true }), data = h('textarea', { id: 'put-data', rows: 2, cols: 40 }, '{"hello": "from the Eddy console"}');
    const putNote = h('span', { class: 'muted small', id: 'put-note' });
    const put = async ev => {
      ev.preventDefault();
      try { const a = await api('kinesis/put', { stream: name }, { PartitionKey: pk.value, Data: data.value }); putNote.textContent = 'Put as ' + a.SequenceNumber + ' in ' + a.ShardId; }
      catch (e) { putNote.textContent = e.message; }
    };
    const consumers = ((r.consumers || {}).Consumers || []), readers = ((r.readers || {}).Readers || []);
    // A subscribed consumer is as far behind as its slowest shard (over its last ten minutes of events).
    const behindBy = rs => rs.length ? h('span', { class: 'num behind' }, num(Math.max(...rs.map(x => x.MillisBehindLatest)), 0) + ' ms (' + rs.length + (rs.length === 1 ? ' shard)' : ' shards)')) : '–';
    show(h('p', { class: 'crumbs' }, link('#/kinesis', 'Kinesis'), ' / ', name), h('h1', {}, name),
      h('div', { class: 'cards' }, h('section', { class: 'card' }, h('dl', { class: 'facts' },
        h('dt', {}, 'Status'), h('dd', {}, state(d.StreamStatus)), h('dt', {}, 'Mode'), h('dd', {}, (d.StreamModeDetails || {}).StreamMode || 'PROVISIONED'),
        h('dt', {}, 'ARN'), h('dd', {}, d.StreamARN), h('dt', {}, 'Retention'), h('dd', {}, d.RetentionPeriodHours + ' h'),
        h('dt', {}, 'Encryption'), h('dd', {}, d.EncryptionType || 'NONE'), h('dt', {}, 'Created'), h('dd', {}, when(d.StreamCreationTimestamp)),
        h('dt', {}, 'Tags'), h('dd', {}, ((r.tags || {}).Tags || []).map(t => t.Key + '=' + t.Value).join(', ') || '–')))),
      h('h2', {}, 'Activity (last hour)'), charts,
      h('h2', {}, 'Shards'), table(['Shard', 'State', 'Hash keys', 'Sequence numbers', 'Parents'], r.shards.map(x => [x.ShardId,
        (x.SequenceNumberRange || {}).EndingSequenceNumber ? 'closed' : 'open', h('code', {}, (x.HashKeyRange || {}).StartingHashKey + ' – ' + (x.HashKeyRange || {}).EndingHashKey),
        h('code', {}, (x.SequenceNumberRange || {}).StartingSequenceNumber + ' – ' + ((x.SequenceNumberRange || {}).EndingSequenceNumber || '')),
        [x.ParentShardId, x.AdjacentParentShardId].filter(Boolean).join(', ') || '–'])),
      h('h3', {}, 'Lineage'), lineage(r.shards),
      h('h2', {}, 'Consumers'), table(['Consumer', 'Status', 'Registered', 'Behind latest', 'ARN'], consumers.map(c => [c.ConsumerName, state(c.ConsumerStatus), when(c.ConsumerCreationTimestamp),
        behindBy(readers.filter(x => x.Kind === 'SubscribeToShard' && x.ConsumerName === c.ConsumerName)), c.ConsumerARN]),
        'No enhanced fan-out consumers.'),
      h('h3', {}, 'Polling readers (GetRecords in the last 10 minutes)'),
      table(['Shard', 'Client', 'Behind latest', 'Last read', 'Calls', 'Records'], readers.filter(x => x.Kind === 'GetRecords').map(x => [x.ShardId,
        h('code', { class: 'agent' }, x.UserAgent || '–'), h('span', { class: 'num behind' }, num(x.MillisBehindLatest, 0) + ' ms'), when(x.LastReadMillis / 1000), num(x.Calls), num(x.Records)]),
        'No reader has polled this stream lately.'),
      h('h2', {}, 'Live tail'),
      h('form', { class: 'inline', onsubmit: startTail }, h('label', {}, 'Shard', shardPick), h('label', {}, 'Start', fromPick), h('label', {}, 'Filter', filter), h('button', { type: 'submit', id: 'tail-start' }, 'Tail')),
      tailNote, tail,
      h('h2', {}, 'Send a test record'), h('form', { class: 'inline', onsubmit: put }, h('label', {}, 'Partition key', pk), h('label', {}, 'Data', data), h('button', { type: 'submit', id: 'put-send' }, 'PutRecord'), putNote));
    const drawCharts = async () => {
      try {
        const q = [kinesisQuery('i', name, 'IncomingRecords'), kinesisQuery('b', name, 'IncomingBytes'), kinesisQuery('w', name, 'WriteProvisionedThroughputExceeded'),
          kinesisQuery('r', name, 'ReadProvisionedThroughputExceeded'), kinesisQuery('a', name, 'GetRecords.IteratorAgeMilliseconds', 'Maximum'), kinesisQuery('g', name, 'GetRecords.Records')];
        const got = Object.fromEntries((await metricData(q, 60)).map(x => [x.id, x]));
        charts.replaceChildren(
          h('section', { class: 'card' }, h('h3', {}, 'Incoming records (per minute)'), chart([got.i, got.g].filter(Boolean), { unit: 'Count' })),
          h('section', { class: 'card' }, h('h3', {}, 'Incoming bytes'), chart([got.b].filter(Boolean), { unit: 'Bytes' })),
          h('section', { class: 'card' }, h('h3', {}, 'Throttles'), chart([got.w, got.r].filter(Boolean), { unit: 'Count' })),
          h('section', { class: 'card' }, h('h3', {}, 'Iterator age (max)'), chart([got.a].filter(Boolean), { unit: 'Milliseconds' })));
      } catch (e) { charts.replaceChildren(errorBox(e)); }
    };
    drawCharts();
    every(15000, drawCharts);
    startTail();
  }

  function buffered(b) {
    if (!b || !b.Records) return 'empty';
    return num(b.Records) + ' records, ' + (b.Full ? 'at least ' : '') + bytes(b.Bytes) + ', oldest waiting ' + duration(b.AgeSeconds || 0);
  }

  async function firehoseView() {
    const r = await api('firehose/streams');
    const body = [];
    for (const x of r.deliveryStreams) {
      const d = x.DeliveryStreamDescription || {};
      const dest = ((d.Destinations || [])[0] || {});
      const s3 = dest.ExtendedS3DestinationDescription || dest.S3DestinationDescription || {};
      const bucket = (s3.BucketARN || '').replace(/^arn:aws[^:]*:s3:::/, '');
      const hints = s3.BufferingHints || {};
      const source = (d.Source || {}).KinesisStreamSourceDescription;
      const section = h('section', { class: 'panel', 'data-delivery-stream': d.DeliveryStreamName },
        h('h2', {}, d.DeliveryStreamName, ' ', state(d.DeliveryStreamStatus)),
        h('dl', { class: 'facts' }, h('dt', {}, 'Source'), h('dd', {}, source ? source.KinesisStreamARN : 'Direct PUT'),
          h('dt', {}, 'Destination'), h('dd', {}, bucket ? link('#/s3/' + encodeURIComponent(bucket), 's3://' + bucket + '/' + (s3.Prefix || '')) : '–'),
          h('dt', {}, 'Buffer hints'), h('dd', {}, (hints.SizeInMBs || 5) + ' MiB or ' + (hints.IntervalInSeconds || 300) + ' s'),
          h('dt', {}, 'Buffered now'), h('dd', { class: 'buffered' }, buffered((r.buffers || {})[d.DeliveryStreamName])),
          h('dt', {}, 'Compression'), h('dd', {}, s3.CompressionFormat || 'UNCOMPRESSED'),
          h('dt', {}, 'Error prefix'), h('dd', {}, s3.ErrorOutputPrefix || 'processing-failed/ (default)')),
        d.FailureDescription ? h('div', { class: 'error' }, 'Failing: ', d.FailureDescription.Type, ' — ', d.FailureDescription.Details) : null);
      if (bucket) {
        const list = h('div', {}, h('p', { class: 'muted' }, 'Loading deliveries…'));
        section.appendChild(h('h3', {}, 'Latest deliveries'));
        section.appendChild(list);
        api('s3/objects', { bucket, prefix: s3.Prefix || '', flat: '1' }).then(o => {
          const objects = o.objects.slice().sort((a, b) => String(b.LastModified).localeCompare(String(a.LastModified))).slice(0, 10);
          list.replaceChildren(table(['Object', 'Size', 'Delivered'], objects.map(ob => [link('#/s3/' + encodeURIComponent(bucket) + '/object?key=' + encodeURIComponent(ob.Key), ob.Key), bytes(ob.Size), when(ob.LastModified)]), 'Nothing delivered yet.'));
        }).catch(e => list.replaceChildren(errorBox(e)));
        const failed = h('div', {});
        section.appendChild(h('h3', {}, 'Records in the error prefix'));
        section.appendChild(failed);
        api('s3/objects', { bucket, prefix: s3.ErrorOutputPrefix || 'processing-failed/', flat: '1' }).then(o => {
          failed.replaceChildren(table(['Object', 'Size'], o.objects.slice(-10).map(ob => [link('#/s3/' + encodeURIComponent(bucket) + '/object?key=' + encodeURIComponent(ob.Key), ob.Key), bytes(ob.Size)]), 'None.'));
        }).catch(e => failed.replaceChildren(errorBox(e)));
      }
      body.push(section);
    }
    show(h('h1', {}, 'Firehose'), body.length ? body : h('p', { class: 'muted' }, 'No delivery streams in this region.'));
  }

  async function bucketsView() {
    const r = await api('s3/buckets');
    show(h('h1', {}, 'S3 buckets'), table(['Bucket', 'Created'], r.buckets.map(b => [link('#/s3/' + encodeURIComponent(b.Name), b.Name), when(b.CreationDate)]), 'No buckets.'));
  }

  async function objectsView(bucket, q) {
    const prefix = q.get('prefix') || '', token = q.get('token') || '';
    const r = await api('s3/objects', { bucket, prefix, token });
    const crumbs = [link('#/s3', 'S3'), ' / ', link('#/s3/' + encodeURIComponent(bucket), bucket)];
    let acc = '';
    for (const part of prefix.split('/').filter(Boolean)) { acc += part + '/'; crumbs.push(' / ', link('#/s3/' + encodeURIComponent(bucket) + '?prefix=' + encodeURIComponent(acc), part)); }
    const rows = [
      ...r.prefixes.map(p => [link('#/s3/' + encodeURIComponent(bucket) + '?prefix=' + encodeURIComponent(p), p.slice(prefix.length)), 'folder', '', '']),
      ...r.objects.map(o => [link('#/s3/' + encodeURIComponent(bucket) + '/object?key=' + encodeURIComponent(o.Key), o.Key.slice(prefix.length)), bytes(o.Size), when(o.LastModified), o.StorageClass || 'STANDARD'])];
    show(h('p', { class: 'crumbs' }, crumbs), h('h1', {}, bucket, prefix ? ' / ' + prefix : ''),
      table(['Name', 'Size', 'Last modified', 'Storage class'], rows, 'This folder is empty.'),
      h('p', {}, token ? link('#/s3/' + encodeURIComponent(bucket) + '?prefix=' + encodeURIComponent(prefix), 'First page') : null, ' ',
        r.nextToken ? h('a', { href: '#/s3/' + encodeURIComponent(bucket) + '?prefix=' + encodeURIComponent(prefix) + '&token=' + encodeURIComponent(r.nextToken), id: 'next-page' }, 'Next page') : null,
        h('span', { class: 'muted small', id: 'page-count' }, ' ', rows.length, ' entries on this page')));
  }

  async function objectView(bucket, key) {
    const [meta, preview] = await Promise.all([api('s3/object', { bucket, key }), api('s3/preview', { bucket, key }).catch(e => ({ kind: 'error', message: e.message }))]);
    let shown;
    if (preview.kind === 'image') shown = h('img', { class: 'preview', alt: key, src: url('s3/download', { bucket, key, inline: '1' }) });
    else if (preview.kind === 'json') shown = h('pre', { class: 'preview' }, JSON.stringify(preview.json, null, 2));
    else if (preview.kind === 'ndjson') shown = h('div', { class: 'preview' }, h('p', { class: 'muted' }, `${preview.lineCount} JSON lines${preview.gzip ? ', gzip decoded' : ''}${preview.truncated ? ' (first part)' : ''}:`),
      h('ol', { class: 'lines' }, preview.lines.map(l => h('li', {}, h('pre', {}, JSON.stringify(l))))));
    else if (preview.kind === 'text') shown = h('pre', { class: 'preview' }, preview.text);
    else if (preview.kind === 'error') shown = errorBox(preview.message);
    else shown = h('div', {}, h('p', { class: 'muted' }, preview.note || 'Binary data; the first bytes:'), h('pre', {}, preview.hex || ''));
    const folder = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
    show(h('p', { class: 'crumbs' }, link('#/s3', 'S3'), ' / ', link('#/s3/' + encodeURIComponent(bucket), bucket), folder ? [' / ', link('#/s3/' + encodeURIComponent(bucket) + '?prefix=' + encodeURIComponent(folder), folder)] : null),
      h('h1', {}, key),
      h('p', {}, h('a', { href: url('s3/download', { bucket, key }), download: key.split('/').pop() }, 'Download')),
      h('h2', {}, 'Metadata'), h('dl', { class: 'facts' }, Object.entries(meta.headers).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('h2', {}, 'Versions'), table(['Version', 'Latest', 'Modified', 'Size'], meta.versions.map(v => [v.VersionId, v.IsLatest, when(v.LastModified), v.DeleteMarker ? 'delete marker' : bytes(+v.Size)]), 'Not versioned.'),
      h('h2', {}, 'Preview'), shown);
  }

  async function metricsView(q) {
    const ns = q.get('namespace') || '';
    const r = await api('cloudwatch/metrics', ns ? { namespace: ns } : {});
    const namespaces = [...new Set(r.Metrics.map(m => m.Namespace))].sort();
    const pickNs = h('select', { id: 'namespace', onchange: () => { location.hash = '#/cloudwatch?namespace=' + encodeURIComponent(pickNs.value); } },
      h('option', { value: '' }, 'all namespaces'), namespaces.map(n => h('option', { value: n, selected: n === ns }, n)));
    const stat = h('select', { id: 'stat' }, ['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount', 'p99', 'p90', 'p50'].map(x => h('option', { value: x }, x)));
    const period = h('select', { id: 'period' }, [['60', '1 minute'], ['300', '5 minutes'], ['3600', '1 hour'], ['10', '10 seconds']].map(([v, l]) => h('option', { value: v }, l)));
    const range = h('select', { id: 'range' }, [['60', 'last hour'], ['180', 'last 3 hours'], ['1440', 'last day'], ['10080', 'last week']].map(([v, l]) => h('option', { value: v }, l)));
    const area = h('div', { id: 'explorer-chart' }, h('p', { class: 'muted' }, 'Pick a metric.'));
    let current = null;
    const draw = async () => {
      if (!current) return;
      try {
        const m = current;
        const series = await metricData([{ Id: 'm', Label: m.MetricName, MetricStat: { Metric: m, Period: +period.value, Stat: stat.value } }], +range.value);
        area.replaceChildren(h('h3', {}, m.Namespace, ' · ', m.MetricName, ' ', (m.Dimensions || []).map(d => d.Name + '=' + d.Value).join(', ')), chart(series, { unit: stat.value }));
      } catch (e) { area.replaceChildren(errorBox(e)); }
    };
    [stat, period, range].forEach(x => x.addEventListener('change', draw));
    const rows = r.Metrics.filter(m => !ns || m.Namespace === ns).slice(0, 500).map(m => [m.Namespace,
      h('button', { class: 'plain', type: 'button', onclick: () => { current = m; draw(); } }, m.MetricName),
      (m.Dimensions || []).map(d => d.Name + '=' + d.Value).join(', ')]);
    show(h('h1', {}, 'CloudWatch metrics'), h('form', { class: 'inline', onsubmit: e => e.preventDefault() }, h('label', {}, 'Namespace', pickNs), h('label', {}, 'Statistic', stat), h('label', {}, 'Period', period), h('label', {}, 'Time range', range)),
      area, h('h2', {}, 'Metrics'), table(['Namespace', 'Metric', 'Dimensions'], rows, 'No metrics stored yet.'),
      h('h2', {}, 'Dashboards'), h('div', { id: 'dashboards' }, '…'));
    api('cloudwatch/dashboards').then(d => document.getElementById('dashboards').replaceChildren(
      table(['Dashboard', 'Modified', 'Size'], (d.DashboardEntries || []).map(x => [link('#/dashboards/' + encodeURIComponent(x.DashboardName), x.DashboardName), when(x.LastModified), bytes(x.Size)]), 'No dashboards (PutDashboard makes one).')))
      .catch(e => document.getElementById('dashboards').replaceChildren(errorBox(e)));
  }

  // A dashboard body's `metrics` rows: [ns, name, dim, value, …, {options}], "." repeating the row above.
  function widgetQueries(props) {
    const queries = [];
    let previous = [];
    (props.metrics || []).forEach((row, i) => {
      if (!Array.isArray(row)) return;
      const opts = row.length && typeof row[row.length - 1] === 'object' && row[row.length - 1] !== null ? row[row.length - 1] : {};
      const values = (typeof row[row.length - 1] === 'object' ? row.slice(0, -1) : row).map((v, j) => v === '.' || v === '...' ? previous[j] : v);
      const id = opts.id || 'w' + i;
      if (opts.expression) { queries.push({ Id: id, Expression: opts.expression, Label: opts.label, ReturnData: opts.visible !== false, Period: opts.period || props.period || 300 }); return; }
      previous = values;
      const dims = [];
      for (let j = 2; j + 1 < values.length; j += 2) dims.push({ Name: String(values[j]), Value: String(values[j + 1]) });
      // Rows of one metric told apart by their dimension values, as the legend needs them.
      const label = opts.label || [values[1], ...dims.map(d => d.Value)].join(' ');
      queries.push({ Id: id, Label: label, ReturnData: opts.visible !== false, MetricStat: { Metric: { Namespace: String(values[0]), MetricName: String(values[1]), Dimensions: dims },
        Period: opts.period || props.period || 300, Stat: opts.stat || props.stat || 'Average' } });
    });
    return queries.filter(q => q.Expression || q.MetricStat.Metric.Namespace);
  }

  async function dashboardView(name) {
    const d = await api('cloudwatch/dashboard', { name });
    let body = {};
    try { body = JSON.parse(d.DashboardBody || '{}'); } catch (e) { }
    const grid = h('div', { class: 'dashboard' });
    const alarms = await api('cloudwatch/alarms').catch(() => ({}));
    const allAlarms = [...(alarms.MetricAlarms || []), ...(alarms.CompositeAlarms || [])];
    for (const w of (body.widgets || []).slice(0, 100)) {
      const p = w.properties || {};
      const box = h('section', { class: 'widget', 'data-widget-type': w.type });
      box.style.gridColumn = `${Math.min(24, (w.x || 0) + 1)} / span ${Math.max(1, Math.min(24, w.width || 6))}`;
      if (w.y !== undefined) box.style.gridRow = `${(w.y || 0) + 1} / span ${Math.max(1, Math.min(200, w.height || 6))}`;
      else box.style.gridRow = `span ${Math.max(1, Math.min(200, w.height || 6))}`;
      grid.appendChild(box);
      if (w.type === 'text') { box.appendChild(markdown(p.markdown)); continue; }
      if (w.type === 'alarm') {
        box.appendChild(h('h3', {}, p.title || 'Alarms'));
        box.appendChild(h('ul', {}, (p.alarms || []).map(arn => { const a = allAlarms.find(x => x.AlarmArn === arn); return h('li', {}, a ? [state(a.StateValue), ' ', link('#/alarms/' + encodeURIComponent(a.AlarmName), a.AlarmName)] : arn); })));
        continue;
      }
      if (w.type !== 'metric') { box.appendChild(h('p', { class: 'muted' }, 'A ', w.type, ' widget: Eddy draws metric, text and alarm widgets.')); continue; }
      box.appendChild(h('h3', {}, p.title || ''));
      const minutes = 180;
      metricData(widgetQueries(p), minutes).then(series => {
        if (p.view === 'singleValue') box.appendChild(h('div', { class: 'cards' }, series.map(x => h('div', {}, h('div', { class: 'muted small' }, x.label), h('div', { class: 'bignum' }, num((x.points[x.points.length - 1] || [])[1]))))));
        else box.appendChild(chart(series, { stacked: !!p.stacked, title: p.title, height: Math.max(120, (w.height || 6) * 38 - 80) }));
      }).catch(e => box.appendChild(errorBox(e)));
    }
    show(h('p', { class: 'crumbs' }, link('#/cloudwatch', 'CloudWatch'), ' / dashboards / ', name), h('h1', {}, name), grid);
  }

  async function alarmsView() {
    const draw = r => {
      const rows = [...(r.MetricAlarms || []), ...(r.CompositeAlarms || [])].map(a => [link('#/alarms/' + encodeURIComponent(a.AlarmName), a.AlarmName), state(a.StateValue),
        a.AlarmRule ? 'composite' : (a.Namespace ? a.Namespace + ' · ' + a.MetricName : 'metric math'), a.StateReason || '', when(a.StateUpdatedTimestamp)]);
      show(h('h1', {}, 'Alarms'), table(['Alarm', 'State', 'Watches', 'Reason', 'Updated'], rows, 'No alarms (PutMetricAlarm makes one).'));
    };
    draw(await api('cloudwatch/alarms'));
    stream('live', { view: 'alarms' }, draw);
  }

  async function alarmView(name) {
    const r = await api('cloudwatch/alarms');
    const a = [...(r.MetricAlarms || []), ...(r.CompositeAlarms || [])].find(x => x.AlarmName === name);
    if (!a) throw new Error('No alarm ' + name);
    const hist = await api('cloudwatch/history', { name });
    const area = h('div', {});
    show(h('p', { class: 'crumbs' }, link('#/alarms', 'Alarms'), ' / ', name), h('h1', {}, name, ' ', state(a.StateValue)),
      h('p', {}, a.StateReason || ''), area,
      h('h2', {}, 'History'), table(['Time', 'Type', 'Summary'], (hist.AlarmHistoryItems || []).map(x => [when(x.Timestamp), x.HistoryItemType, x.HistorySummary]), 'No history yet.'));
    if (a.AlarmRule) { area.appendChild(h('p', {}, 'Rule: ', h('code', {}, a.AlarmRule))); return; }
    const queries = a.Metrics ? a.Metrics.map(m => Object.assign({}, m)) : [{ Id: 'm', Label: a.MetricName, MetricStat: { Metric: { Namespace: a.Namespace, MetricName: a.MetricName, Dimensions: a.Dimensions || [] }, Period: a.Period, Stat: a.ExtendedStatistic || a.Statistic || 'Average' } }];
    try { area.appendChild(chart(await metricData(queries, Math.max(60, (a.Period || 60) * (a.EvaluationPeriods || 1) * 6 / 60)), { threshold: a.Threshold, title: name })); }
    catch (e) { area.appendChild(errorBox(e)); }
  }

  async function tablesView() {
    const r = await api('dynamodb/tables');
    show(h('h1', {}, 'DynamoDB tables'), table(['Table', 'Status', 'Keys', 'Indexes', 'Items', 'Size'], r.tables.map(x => { const t = x.Table || {};
      return [link('#/dynamodb/' + encodeURIComponent(t.TableName), t.TableName), state(t.TableStatus), (t.KeySchema || []).map(k => k.AttributeName + ' (' + k.KeyType + ')').join(', '),
        [...(t.GlobalSecondaryIndexes || []), ...(t.LocalSecondaryIndexes || [])].map(i => i.IndexName).join(', ') || '–', t.ItemCount, bytes(t.TableSizeBytes)]; }), 'No tables.'));
  }

  async function itemsView(name, q) {
    const start = q.get('start') || '';
    const r = await api('dynamodb/items', start ? { table: name, start } : { table: name });
    const plain = v => { const [t, x] = Object.entries(v || {})[0] || []; if (t === 'M') return Object.fromEntries(Object.entries(x).map(([k, w]) => [k, plain(w)])); if (t === 'L') return x.map(plain); if (t === 'N') return Number(x); if (t === 'NULL') return null; return x; };
    show(h('p', { class: 'crumbs' }, link('#/dynamodb', 'DynamoDB'), ' / ', name), h('h1', {}, name),
      table(['Item'], (r.Items || []).map(it => [h('pre', {}, JSON.stringify(plain({ M: it }), null, 1))]), 'No items.'),
      r.LastEvaluatedKey ? h('p', {}, link('#/dynamodb/' + encodeURIComponent(name) + '?start=' + encodeURIComponent(JSON.stringify(r.LastEvaluatedKey)), 'Next page')) : null);
  }

  // ---- Routing ----------------------------------------------------------------------------
  const routes = [
    [/^\/?$/, () => overview()],
    [/^\/kinesis$/, () => streamsView()],
    [/^\/kinesis\/(.+)$/, m => streamView(decodeURIComponent(m[1]))],
    [/^\/firehose$/, () => firehoseView()],
    [/^\/s3$/, () => bucketsView()],
    [/^\/s3\/([^/]+)\/object$/, (m, q) => objectView(decodeURIComponent(m[1]), q.get('key') || '')],
    [/^\/s3\/([^/]+)$/, (m, q) => objectsView(decodeURIComponent(m[1]), q)],
    [/^\/cloudwatch$/, (m, q) => metricsView(q)],
    [/^\/dashboards\/(.+)$/, m => dashboardView(decodeURIComponent(m[1]))],
    [/^\/alarms$/, () => alarmsView()],
    [/^\/alarms\/(.+)$/, m => alarmView(decodeURIComponent(m[1]))],
    [/^\/dynamodb$/, () => tablesView()],
    [/^\/dynamodb\/(.+)$/, (m, q) => itemsView(decodeURIComponent(m[1]), q)],
  ];
  async function route() {
    live.forEach(x => x.close()); live = [];
    timers.forEach(clearInterval); timers = [];
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path, qs] = hash.split('?');
    const q = new URLSearchParams(qs || '');
    const section = path.split('/')[1] || '';
    document.querySelectorAll('nav a').forEach(a => { if ((a.getAttribute('href').split('/')[1] || '') === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current'); });
    for (const [re, view] of routes) {
      const m = re.exec(path);
      if (!m) continue;
      try { await view(m, q); } catch (e) { show(h('h1', {}, 'Something went wrong'), errorBox(e)); }
      document.title = (main.querySelector('h1') || {}).textContent + ' · Eddy';
      return;
    }
    show(h('h1', {}, 'Not found'), h('p', {}, 'No page ', path, '. ', link('#/', 'Overview')));
  }
  const regionInput = document.getElementById('region');
  if (regionInput) {
    regionInput.value = region;
    document.getElementById('scope').addEventListener('submit', e => { e.preventDefault(); const p = new URLSearchParams(location.search); if (regionInput.value) p.set('region', regionInput.value); else p.delete('region'); location.search = p.toString(); });
  }
  window.addEventListener('hashchange', route);
  route();
})();
"""#
}
