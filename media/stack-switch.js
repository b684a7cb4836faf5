// The Stack Switch view's page: draws the model that the extension forwards from the debug
// adapter's `x64emu.stackSwitch` request — the user stack and the current task's kernel stack
// as columns of slots, the TSS / pcpu_hot / GS / CR3 / RSP boxes between them, and arrows from
// each box to where it points. Whatever differs from the previous stop's model is highlighted.
// Loaded under a strict CSP (nonce'd, no inline handlers): the DOM is built with createElement.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const diagram = document.getElementById('diagram');
  const summary = document.getElementById('summary');
  const arrows = document.getElementById('arrows');
  const SVG = 'http://www.w3.org/2000/svg';
  let last = null;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const big = (h) => (h === undefined || h === null ? undefined : BigInt(h));
  const same = (a, b) => a !== undefined && b !== undefined && big(a) === big(b);

  /** The value of `path` (e.g. "tss.sp2") in a model, or undefined. */
  function pick(model, path) {
    return path.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), model);
  }

  function changed(model, previous, path) {
    if (!previous) return false;
    const a = pick(model, path);
    const b = pick(previous, path);
    return a !== undefined && b !== undefined && String(a) !== String(b);
  }

  /** Previous slot values by address, for highlighting stores. */
  function previousSlots(previous) {
    const m = new Map();
    if (!previous) return m;
    for (const s of previous.userStack.slots) m.set(s.address, s.value);
    if (previous.kernelStack) for (const s of previous.kernelStack.slots) m.set(s.address, s.value);
    return m;
  }

  function stackColumn(id, title, subtitle, slots, opts) {
    const col = el('section', 'stack ' + id);
    col.id = id;
    col.setAttribute('aria-label', title);
    col.append(el('h2', undefined, title));
    if (subtitle) col.append(el('div', 'subtitle', subtitle));
    const list = el('ol', 'slots');
    // Higher addresses on top, as stacks are drawn: the top of the stack is the highest address.
    const ordered = [...slots].sort((a, b) => (big(b.address) > big(a.address) ? 1 : -1));
    if (opts.rsp !== undefined && opts.top !== undefined && same(opts.rsp, opts.top)) {
      // RSP at the top: nothing pushed yet.
      const li = el('li', 'slot rsp top');
      li.dataset.address = opts.top;
      li.append(el('span', 'address', opts.top), el('span', 'value', '(top)'), el('span', 'note', 'nothing pushed yet'), el('span', 'marker', opts.rspLabel));
      list.append(li);
    } else if (ordered.length === 0) list.append(el('li', 'empty', opts.emptyText));
    for (const s of ordered) {
      const li = el('li', 'slot');
      li.dataset.address = s.address;
      if (s.field) li.classList.add('ptregs');
      if (!opts.live) li.classList.add('stale');
      const prev = opts.previous.get(s.address);
      if (prev !== undefined && prev !== s.value) li.classList.add('changed');
      li.append(el('span', 'address', s.address), el('span', 'value', s.value));
      li.append(el('span', 'note', s.field ? 'pt_regs->' + s.field + (s.note ? ' · ' + s.note : '') : s.note || ''));
      if (opts.rsp !== undefined && same(s.address, opts.rsp)) {
        li.classList.add('rsp');
        li.append(el('span', 'marker', opts.rspLabel));
      }
      list.append(li);
    }
    col.append(list);
    return col;
  }

  function box(id, title, rows, model, previous) {
    const b = el('section', 'box');
    b.id = id;
    b.setAttribute('aria-label', title);
    b.append(el('h3', undefined, title));
    const dl = el('dl');
    for (const r of rows) {
      const dt = el('dt', undefined, r.label);
      const dd = el('dd', undefined, r.value === undefined ? '—' : r.value);
      dd.id = id + '-' + r.key.replace(/\W/g, '-');
      if (r.path && changed(model, previous, r.path)) dd.classList.add('changed');
      if (r.note) dd.append(el('span', 'note', ' ' + r.note));
      dl.append(dt, dd);
    }
    b.append(dl);
    return b;
  }

  function render(model, previous) {
    last = { model, previous };
    const stackNames = { user: 'the user stack', kernel: "the current task's kernel stack", entry: 'the entry (trampoline) stack', other: 'neither stack' };
    summary.textContent = `CPU ${model.cpu} • ring ${model.ring} • ${model.location || model.rip} • RSP ${model.rsp} on ${stackNames[model.on]}`;
    summary.classList.toggle('changed', changed(model, previous, 'on'));
    diagram.replaceChildren();
    const prevSlots = previousSlots(previous);
    const system = model.mode === 'system';

    const user = model.userStack;
    diagram.append(
      stackColumn('user-stack', 'User stack', user.rsp ? `user RSP ${user.rsp} (from ${user.source})` : 'user RSP not known here', user.slots, {
        live: true,
        previous: prevSlots,
        rsp: user.rsp,
        rspLabel: model.on === 'user' ? '◀ RSP' : '◀ user RSP',
        emptyText: 'no slots readable',
      }),
    );

    const boxes = el('div', 'boxes');
    boxes.append(box('rsp-box', 'RSP', [{ key: 'rsp', label: 'rsp', value: model.rsp, path: 'rsp', note: model.on }], model, previous));
    if (system) {
      if (model.tss) {
        boxes.append(box('tss', 'TSS (TR)', [
          { key: 'sp0', label: 'sp0', value: model.tss.sp0, path: 'tss.sp0', note: 'entry stack' },
          { key: 'sp2', label: 'sp2', value: model.tss.sp2, path: 'tss.sp2', note: 'user RSP parked' },
        ], model, previous));
      }
      if (model.pcpuHot) {
        boxes.append(box('pcpu-hot', 'pcpu_hot', [
          { key: 'current_task', label: 'current_task', value: model.pcpuHot.currentTask, path: 'pcpuHot.currentTask' },
          { key: 'top_of_stack', label: 'top_of_stack', value: model.pcpuHot.topOfStack, path: 'pcpuHot.topOfStack' },
        ], model, previous));
      }
      boxes.append(box('gs', 'GS', [
        { key: 'gs_base', label: 'GS_BASE', value: model.gsBase, path: 'gsBase', note: model.gsBase === '0x0' ? "user's" : 'per-CPU area' },
        { key: 'kernel_gs_base', label: 'KERNEL_GS_BASE', value: model.kernelGsBase, path: 'kernelGsBase' },
      ], model, previous));
      const cr3 = box('cr3', 'CR3', [
        { key: 'value', label: 'cr3', value: model.cr3.value, path: 'cr3.value' },
        { key: 'pgd', label: 'PGD', value: model.cr3.pgd, path: 'cr3.pgd' },
        { key: 'pcid', label: 'PCID', value: model.cr3.pcid, path: 'cr3.pcid' },
      ], model, previous);
      const halves = el('div', 'halves');
      const u = el('span', 'half' + (model.cr3.userHalf ? ' active' : ''), 'user half');
      const k = el('span', 'half' + (!model.cr3.userHalf ? ' active' : ''), 'kernel half');
      if (changed(model, previous, 'cr3.userHalf')) halves.classList.add('changed');
      halves.append(u, k);
      cr3.append(halves);
      boxes.append(cr3);
    } else {
      boxes.append(el('p', 'hint', 'A user-mode program has one stack: the kernel side (TSS, pcpu_hot, CR3 halves) appears for system-mode kernels.'));
    }
    diagram.append(boxes);

    if (system && model.kernelStack) {
      const ks = model.kernelStack;
      const frame = ks.ptRegsFrame ? ` • pt_regs ${ks.ptRegsFrame.base}–${ks.ptRegsFrame.top}` : '';
      diagram.append(
        stackColumn('kernel-stack', 'Kernel stack (current task)', `top ${ks.top}${frame}${ks.live ? '' : ' • not in use: last entry\'s frame'}`, ks.slots, {
          live: ks.live,
          previous: prevSlots,
          rsp: model.on === 'kernel' ? model.rsp : undefined,
          top: ks.top,
          rspLabel: 'RSP ▶',
          emptyText: 'not in use',
        }),
      );
    }
    requestAnimationFrame(drawArrows);
  }

  /** An arrow from the box row `fromId` to the slot with `address` (or to the column's top). */
  function arrowTo(fromId, columnId, address, label) {
    const from = document.getElementById(fromId);
    const column = document.getElementById(columnId);
    if (!from || !column) return;
    let target = address !== undefined ? column.querySelector(`li[data-address="${address}"]`) : null;
    const toTop = !target;
    if (!target) target = column.querySelector('h2');
    const a = from.getBoundingClientRect();
    const t = target.getBoundingClientRect();
    const leftward = t.left < a.left;
    const x1 = leftward ? a.left : a.right;
    const y1 = a.top + a.height / 2;
    const x2 = leftward ? t.right : t.left;
    const y2 = toTop ? t.bottom : t.top + t.height / 2;
    const path = document.createElementNS(SVG, 'path');
    const dx = (x2 - x1) / 2;
    path.setAttribute('d', `M ${x1 + scrollX} ${y1 + scrollY} C ${x1 + dx + scrollX} ${y1 + scrollY}, ${x2 - dx + scrollX} ${y2 + scrollY}, ${x2 + scrollX} ${y2 + scrollY}`);
    path.setAttribute('class', 'arrow');
    path.setAttribute('marker-end', 'url(#head)');
    const title = document.createElementNS(SVG, 'title');
    title.textContent = label;
    path.append(title);
    arrows.append(path);
  }

  function drawArrows() {
    arrows.replaceChildren();
    if (!last) return;
    const m = last.model;
    arrows.setAttribute('width', String(document.documentElement.scrollWidth));
    arrows.setAttribute('height', String(document.documentElement.scrollHeight));
    const defs = document.createElementNS(SVG, 'defs');
    const marker = document.createElementNS(SVG, 'marker');
    marker.id = 'head';
    for (const [k, v] of Object.entries({ viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '6', markerHeight: '6', orient: 'auto-start-reverse' })) marker.setAttribute(k, v);
    const tip = document.createElementNS(SVG, 'path');
    tip.setAttribute('d', 'M 0 0 L 10 5 L 0 10 z');
    tip.setAttribute('class', 'arrow-head');
    marker.append(tip);
    defs.append(marker);
    arrows.append(defs);
    arrowTo('rsp-box-rsp', m.on === 'kernel' ? 'kernel-stack' : 'user-stack', m.rsp, 'RSP');
    if (m.tss) arrowTo('tss-sp2', 'user-stack', m.tss.sp2, 'TSS.sp2 → the parked user RSP');
    if (m.pcpuHot) arrowTo('pcpu-hot-top_of_stack', 'kernel-stack', undefined, 'pcpu_hot.top_of_stack → the top of the kernel stack');
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg.type === 'model') {
      document.body.classList.remove('running', 'ended');
      render(msg.model, msg.previous);
    } else if (msg.type === 'running') {
      document.body.classList.add('running');
    } else if (msg.type === 'ended') {
      document.body.classList.add('ended');
      summary.textContent = 'The debug session has ended.';
    }
  });
  window.addEventListener('resize', () => requestAnimationFrame(drawArrows));
  vscode.postMessage({ type: 'ready' });
})();
