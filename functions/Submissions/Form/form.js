// The unit's report form: reads the period's template, sends files with tus (resuming after a dropped connection
// or a reload), then posts the report to the same endpoint units' own systems use. All text from the server is
// set with textContent, never as markup.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const chunkSize = 8 * 1024 * 1024;
  const state = { key: '', unit: null, period: null, template: null, operation: newKey() };

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function el(tag, props = {}, children = []) {
    const node = Object.assign(document.createElement(tag), props);
    for (const child of children) node.append(child);
    return node;
  }

  async function api(path, options = {}) {
    const response = await fetch(path, { ...options, headers: { 'X-Api-Key': state.key, Accept: 'application/json', ...(options.headers || {}) } });
    const type = response.headers.get('content-type') || '';
    return { response, body: type.includes('json') ? await response.json() : null };
  }

  const day = (iso) => iso.split('-').reverse().join('/');
  const dateTime = (text) => new Date(text).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' });

  function say(text, kind = 'info') {
    const box = $('result');
    box.replaceChildren(el('p', { className: kind, textContent: text }));
    return box;
  }

  function problem(body, fallback) {
    const box = say((body && (body.detail || body.title)) || fallback, 'error');
    for (const node of document.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
    for (const node of document.querySelectorAll('.field-error')) node.remove();
    const list = el('ul');
    for (const error of (body && body.errors) || []) {
      const field = document.querySelector(`[data-pointer="${CSS.escape(error.pointer)}"]`);
      if (field) {
        field.setAttribute('aria-invalid', 'true');
        field.after(el('span', { className: 'field-error', textContent: error.detail }));
      }
      list.append(el('li', { textContent: error.detail }));
    }
    if (list.children.length) box.append(list);
  }

  async function openWithKey(event) {
    event.preventDefault();
    state.key = $('key').value.trim();
    const me = await api('/api/units/me');
    if (!me.response.ok) return problem(me.body, 'Không mở được: khoá không đúng?');
    state.unit = me.body;
    $('unit').textContent = `Đơn vị: ${state.unit.name}`;
    $('unit').hidden = false;
    const periods = await api('/api/periods?status=open');
    if (!periods.response.ok) return problem(periods.body, 'Không tải được danh sách kỳ báo cáo.');
    const select = $('period');
    select.replaceChildren(...periods.body.map((p) => el('option', { value: p.id, textContent: p.name })));
    if (periods.body.length === 0) return say('Đơn vị hiện không có kỳ báo cáo nào đang mở.');
    state.periods = periods.body;
    $('report-form').hidden = false;
    say('');
    await choosePeriod();
  }

  async function choosePeriod() {
    state.period = state.periods.find((p) => p.id === $('period').value);
    $('deadline').textContent = `Số liệu từ ${day(state.period.dataFrom)} đến ${day(state.period.dataTo)}; hạn nộp ${dateTime(state.period.deadline)}.`;
    const template = await api(`/api/periods/${encodeURIComponent(state.period.id)}/template`);
    if (!template.response.ok) return problem(template.body, 'Không tải được mẫu báo cáo.');
    state.template = template.body;
    $('sections').replaceChildren(...state.template.sections.map(section));
    recompute();
  }

  function section(s) {
    const box = el('fieldset', {}, [el('legend', { textContent: s.title })]);
    if (s.guidance) box.append(el('p', { className: 'muted', textContent: s.guidance }));
    for (const indicator of s.indicators || []) box.append(field(indicator));
    if (s.narrative !== false) {
      const text = el('textarea', { rows: 5, required: !!s.narrativeRequired });
      text.dataset.section = s.code;
      text.dataset.pointer = `/report/narratives/${s.code}`;
      box.append(el('label', {}, [`Nội dung${s.narrativeRequired ? ' (bắt buộc)' : ''}`, text]));
    }
    return box;
  }

  function field(indicator) {
    const caption = `${indicator.name}${indicator.unit ? ` (${indicator.unit})` : ''}${indicator.required ? ' *' : ''}`;
    let input;
    if (indicator.sumOf && indicator.sumOf.length) {
      input = el('output');
      input.dataset.sumOf = indicator.sumOf.join(',');
    } else if (indicator.type === 'yesNo') {
      input = el('select', {}, [el('option', { value: '', textContent: '—' }), el('option', { value: 'true', textContent: 'Có' }), el('option', { value: 'false', textContent: 'Không' })]);
    } else if (indicator.type === 'text') {
      input = el('input', { type: 'text' });
    } else {
      input = el('input', { type: 'number', step: indicator.type === 'integer' ? '1' : 'any', inputMode: indicator.type === 'integer' ? 'numeric' : 'decimal' });
      const min = indicator.min ?? (indicator.type === 'percentage' ? 0 : null);
      const max = indicator.max ?? (indicator.type === 'percentage' ? 100 : null);
      if (min !== null) input.min = min;
      if (max !== null) input.max = max;
    }
    input.dataset.code = indicator.code;
    input.dataset.type = indicator.type;
    input.dataset.pointer = `/report/values/${indicator.code}`;
    input.required = !!indicator.required && !input.dataset.sumOf;
    input.addEventListener('input', recompute);
    return el('label', {}, [caption, input]);
  }

  function valueOf(code) {
    const input = document.querySelector(`[data-code="${CSS.escape(code)}"]`);
    if (!input) return 0;
    if (input.dataset.sumOf) return input.dataset.sumOf.split(',').reduce((sum, part) => sum + valueOf(part), 0);
    return Number(input.value) || 0;
  }

  function recompute() {
    for (const total of document.querySelectorAll('output[data-sum-of]')) total.value = valueOf(total.dataset.code);
  }

  function report(uploads) {
    const values = {};
    for (const input of document.querySelectorAll('[data-code]')) {
      if (input.dataset.sumOf || input.value === '') continue;
      const type = input.dataset.type;
      values[input.dataset.code] = type === 'yesNo' ? input.value === 'true' : type === 'text' ? input.value : Number(input.value);
    }
    const narratives = {};
    for (const text of document.querySelectorAll('textarea[data-section]')) if (text.value.trim()) narratives[text.dataset.section] = text.value;
    const note = $('note').value.trim();
    return { values, narratives, ...(note ? { note } : {}), ...(uploads.length ? { uploads } : {}) };
  }

  function upload(file, index, count) {
    const endpoint = `/api/periods/${encodeURIComponent(state.period.id)}/reports/${encodeURIComponent(state.unit.code)}/uploads`;
    return new Promise((resolve, reject) => {
      const transfer = new tus.Upload(file, {
        endpoint,
        chunkSize,
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
        headers: { 'X-Api-Key': state.key },
        metadata: { filename: file.name, filetype: file.type },
        removeFingerprintOnSuccess: true,
        onProgress: (sent, total) => {
          $('progress').value = Math.floor((100 * sent) / total);
          $('progress-text').textContent = `Tệp ${index + 1}/${count} «${file.name}»: ${Math.floor((100 * sent) / total)}%`;
        },
        onError: reject,
        onSuccess: () => resolve(transfer.url.split('/').pop()),
      });
      // A file that was half sent before the page closed goes on from where it stopped.
      transfer.findPreviousUploads().then((previous) => {
        if (previous.length) transfer.resumeFromPreviousUpload(previous[0]);
        transfer.start();
      });
    });
  }

  async function submit(event) {
    event.preventDefault();
    const button = $('submit');
    button.disabled = true;
    try {
      const files = Array.from($('files').files);
      $('progress').hidden = files.length === 0;
      const uploads = [];
      for (const [index, file] of files.entries()) uploads.push(await upload(file, index, files.length));
      const form = new FormData();
      form.append('report', new Blob([JSON.stringify(report(uploads))], { type: 'application/json' }));
      const path = `/api/periods/${encodeURIComponent(state.period.id)}/reports/${encodeURIComponent(state.unit.code)}/submissions`;
      const sent = await api(path, { method: 'POST', body: form, headers: { 'Idempotency-Key': state.operation } });
      if (!sent.response.ok) {
        // The same key may only carry the same report: a corrected report needs a new one.
        if (sent.response.status === 422 || sent.response.status === 409) state.operation = newKey();
        return problem(sent.body, 'Chưa nộp được báo cáo.');
      }
      state.operation = newKey();
      const r = sent.body;
      const box = say(`Đã nhận phiên bản ${r.version} lúc ${dateTime(r.receivedAt)} (${r.late ? 'nộp muộn' : 'đúng hạn'}).`, 'done');
      box.append(el('p', { className: 'muted', textContent: `Mã biên nhận: ${r.receipt}` }));
      for (const file of r.attachments) box.append(el('p', { textContent: `Tệp: ${file.fileName} (${file.size} byte)` }));
    } catch (error) {
      say(`Mất kết nối khi gửi: ${error.message || error}. Bấm «Nộp báo cáo» lần nữa để gửi tiếp; phần đã gửi không phải gửi lại.`, 'error');
    } finally {
      button.disabled = false;
    }
  }

  $('key-form').addEventListener('submit', openWithKey);
  $('period').addEventListener('change', choosePeriod);
  $('report-form').addEventListener('submit', submit);
})();
