// The Stackl dashboard: one page, no build step, no dependencies. It reads the silo's HTTP API and follows
// /api/events (server-sent events), so everything on screen changes as tasks run, without reloading.
'use strict';

(() => {
  const STATUSES = ['Pending', 'Running', 'Completed', 'RollingBack', 'Failed', 'TimedOut', 'Cancelled', 'RollbackFailed'];
  const FINAL = new Set(['Completed', 'Failed', 'TimedOut', 'Cancelled', 'RollbackFailed']);
  const STATUS_HELP = {
    Pending: 'Accepted and stored; not started yet.',
    Running: 'Taking its document locks or running its handler.',
    Completed: 'Final: every write it staged is committed.',
    RollingBack: 'Discarding staged writes and running revert actions.',
    Failed: 'Final: its handler failed; nothing was committed.',
    TimedOut: 'Final: its deadline passed; nothing was committed.',
    Cancelled: 'Final: cancelled before it committed; nothing was committed.',
    RollbackFailed: 'Final: a revert action failed; a side effect may remain and needs a person.',
  };
  const SAMPLE_PAYLOADS = {
    'demo/echo': { message: 'hello from the dashboard' },
    'demo/sleep': { ms: 3000 },
    'demo/fail': { message: 'a demo failure' },
    'document/put': { key: 'demo/greeting', value: { text: 'hello' } },
    'document/patch': { key: 'demo/greeting', patch: { text: 'hello again' } },
    'document/delete': { key: 'demo/greeting' },
    'document/restore': { key: 'demo/greeting', version: 1 },
    'document/transaction': { ops: [{ op: 'increment', key: 'demo/a', path: '/n', by: -1 }, { op: 'increment', key: 'demo/b', path: '/n', by: 1 }] },
    'flow/run': { linear: [
      { step: 'network', handler: 'demo/provision', input: { kind: 'network', name: 'net-1' }, provides: 'network', revert: 'demo/deprovision' },
      { unordered: [
        { step: 'vm1', handler: 'demo/provision', input: { kind: 'vm', name: 'vm-1' }, requires: ['network'], revert: 'demo/deprovision' },
        { step: 'vm2', handler: 'demo/provision', input: { kind: 'vm', name: 'vm-2', failTimes: 1 }, requires: ['network'], revert: 'demo/deprovision', retry: { attempts: 3, initial: '1s' } },
      ] },
      { step: 'dns', handler: 'demo/provision', input: { kind: 'dns', name: 'env.example.org' } },
    ] },
  };
  const STEP_HELP = {
    Pending: 'Waiting for the steps before it.',
    Running: 'An attempt is running.',
    Retrying: 'An attempt failed with a retryable error; the next attempt is due at its next-attempt time.',
    Completed: 'Done; what it provides went to the steps after it.',
    Skipped: 'Its condition was false, or a value it requires was never provided.',
    Failed: 'Its last attempt failed: the flow rolls back.',
    Cancelled: 'It was running, or had not started, when another step failed or the flow was cancelled or timed out.',
    Reverted: 'It completed, and its revert ran when the flow rolled back.',
    RevertFailed: 'Its revert failed: its side effect may still be in place and needs a person.',
  };

  const view = document.getElementById('view');
  const shared = { handlers: [], cluster: null, clockSkewMs: 0, feed: [], session: null };
  let current = null;

  // ---------------------------------------------------------------- small helpers

  /** Creates an element; text always goes in as text, never as HTML. */
  function h(tag, attrs, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
      else if (name === 'class') element.className = value;
      else if (name === 'text') element.textContent = value;
      else if (name === 'dataset') Object.assign(element.dataset, value);
      else element.setAttribute(name, value === true ? '' : value);
    }
    append(element, children);
    return element;
  }

  function append(parent, children) {
    for (const child of [children].flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  const svgNs = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const element = document.createElementNS(svgNs, tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === 'text') element.textContent = value;
      else if (value !== null && value !== undefined) element.setAttribute(name, value);
    }
    for (const child of children.flat()) if (child) element.append(child);
    return element;
  }

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  /** Calls the API; a problem+json answer becomes an ApiError carrying its detail. */
  async function api(path, options = {}) {
    const init = { headers: { Accept: 'application/json' }, ...options };
    if (options.json !== undefined) {
      init.method = init.method || 'POST';
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.json);
    }
    // A session's changes carry its anti-forgery token; the session cookie itself is HttpOnly and never read here.
    const method = (init.method || 'GET').toUpperCase();
    if (method !== 'GET' && shared.session && shared.session.antiforgeryToken) init.headers['X-CSRF-TOKEN'] = shared.session.antiforgeryToken;
    const response = await fetch(path, init);
    const text = await response.text();
    const body = text ? JSON.parse(text) : null;
    if (response.status === 401 && path !== '/auth/session') showSignIn('Your session ended (signed out, expired, or its key was revoked). Sign in again.');
    if (!response.ok) {
      throw new ApiError(response.status, (body && (body.detail || body.title)) || `${response.status} ${response.statusText}`);
    }
    return body;
  }

  // ---------------------------------------------------------------- who is signed in, and what they may do

  /** A grant pattern: exact, or a prefix when it ends in '*'. */
  function grantMatches(patterns, value) {
    return (patterns || []).some((p) => (p.endsWith('*') ? value.startsWith(p.slice(0, -1)) : value === p));
  }

  const may = {
    submit: () => grants().submit.length > 0,
    write: (key) => (key === undefined ? grants().write.length > 0 : grantMatches(grants().write, key)),
    restore: (key) => grants().restore && may.write(key),
    cancel: (task) => grants().cancel === 'All' || (grants().cancel === 'Own' && shared.session && task.source === shared.session.name),
    allTasks: () => grants().tasks === 'All',
  };

  function grants() {
    // Without an answer from /auth/session the page shows every control: the silo refuses what the caller may not do.
    return (shared.session && shared.session.grants) || { submit: ['*'], read: ['*'], write: ['*'], tasks: 'All', cancel: 'All', restore: true, admin: false };
  }

  /** Marks the page with what the caller may do, so controls it may not use are not shown (the server refuses them anyway). */
  function applyGrants() {
    document.body.classList.toggle('can-submit', may.submit());
    document.body.classList.toggle('can-write', may.write());
    const box = document.getElementById('session');
    if (!shared.session || !shared.session.authenticated) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    box.replaceChildren(
      h('span', { id: 'session-name', text: `${shared.session.name} (${shared.session.role})` }),
      h('button', { id: 'sign-out', onclick: signOut }, 'Sign out'));
  }

  async function signOut() {
    await fetch('/auth/session', { method: 'DELETE' });
    location.reload();
  }

  /** The sign-in page: the key goes to the silo once, which answers with an HttpOnly session cookie. */
  function showSignIn(reason) {
    if (document.getElementById('signin')) return;
    if (current && current.unmount) current.unmount();
    current = null;
    document.body.classList.add('signed-out');
    const keyInput = h('input', { type: 'password', id: 'signin-key', autocomplete: 'off', placeholder: 'stk_…', required: true, size: 60 });
    const problem = h('p', { class: 'error-box', id: 'signin-error', hidden: true });
    view.replaceChildren(h('section', { class: 'panel signin', id: 'signin' },
      h('h1', { text: 'Sign in' }),
      h('p', { class: 'muted', text: reason || 'This silo requires credentials. Sign in with an API key (an administrator creates one with: stackl keys create --name <you> --role reader).' }),
      h('form', {
        onsubmit: async (event) => {
          event.preventDefault();
          const response = await fetch('/auth/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key: keyInput.value.trim() }) });
          if (response.ok) {
            location.reload();
            return;
          }
          const body = await response.json().catch(() => null);
          problem.textContent = (body && body.detail) || `${response.status} ${response.statusText}`;
          problem.hidden = false;
        },
      },
      h('label', {}, 'API key', keyInput),
      h('div', { class: 'toolbar', style: 'margin-top:8px' }, h('button', { type: 'submit', class: 'primary', id: 'signin-button' }, 'Sign in'))),
      problem));
    keyInput.focus();
  }

  function documentPath(key) {
    return key.split('/').map(encodeURIComponent).join('/');
  }

  function toast(message, { bad = false, href = null, linkText = null } = {}) {
    const box = h('div', { class: bad ? 'toast bad' : 'toast' }, message, href ? [' ', h('a', { href, text: linkText || 'Open' })] : null);
    const toasts = document.getElementById('toasts');
    toasts.append(box);
    while (toasts.children.length > 3) toasts.firstChild.remove();
    setTimeout(() => box.remove(), bad ? 9000 : 5000);
  }

  function reportError(error) {
    toast(error instanceof ApiError ? error.message : `The silo did not answer: ${error.message}`, { bad: true });
  }

  function now() {
    return Date.now() + shared.clockSkewMs;
  }

  function fmtDuration(ms) {
    if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
    if (ms === 0) return '0 ms';
    if (ms < 1) return `${ms.toFixed(2)} ms`;
    if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
    if (ms < 60000) return `${+(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
    const minutes = Math.floor(ms / 60000);
    return `${minutes} min ${Math.round((ms % 60000) / 1000)} s`;
  }

  function fmtRelative(iso) {
    if (!iso) return '—';
    const delta = new Date(iso).getTime() - now();
    const abs = Math.abs(delta);
    const text = abs < 1000 ? 'now' : abs < 60000 ? `${Math.round(abs / 1000)} s` : abs < 3600000 ? `${Math.round(abs / 60000)} min` : abs < 86400000 ? `${Math.round(abs / 3600000)} h` : `${Math.round(abs / 86400000)} d`;
    if (text === 'now') return 'just now';
    return delta < 0 ? `${text} ago` : `in ${text}`;
  }

  function fmtTime(iso) {
    return iso ? new Date(iso).toLocaleTimeString(undefined, { hour12: false }) : '—';
  }

  function fmtDateTime(iso) {
    return iso ? new Date(iso).toLocaleString(undefined, { hour12: false }) : '—';
  }

  function fmtNumber(value, digits = 0) {
    return value === null || value === undefined ? '—' : Number(value).toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }

  function axisNumber(value) {
    return value.toLocaleString(undefined, { maximumFractionDigits: 2 });
  }

  function timeCell(iso) {
    return h('span', { class: 'nowrap', title: fmtDateTime(iso), dataset: iso ? { at: iso } : {} }, fmtRelative(iso));
  }

  function badge(status) {
    return h('span', { class: `badge s-${status}`, title: STATUS_HELP[status] || status, dataset: { status } }, status);
  }

  function taskLink(id) {
    return h('a', { href: `#/tasks/${id}`, class: 'mono', title: 'Open this task' }, id);
  }

  function documentLink(key) {
    return h('a', { href: `#/documents/${documentPath(key)}`, class: 'mono' }, key);
  }

  function pretty(value) {
    return value === null || value === undefined ? 'null' : JSON.stringify(value, null, 2);
  }

  function preview(value) {
    const text = value === null || value === undefined ? '(deleted)' : JSON.stringify(value);
    return text.length > 90 ? `${text.slice(0, 90)}…` : text;
  }

  function taskDuration(task) {
    if (!task.completed) return null;
    return new Date(task.completed).getTime() - new Date(task.created).getTime();
  }

  function emptyState(title, text, actions = []) {
    return h('div', { class: 'empty' }, h('strong', { text: title }), h('div', { text }), actions.length ? h('div', { class: 'actions' }, actions) : null);
  }

  /** Runs fn at most once per interval, trailing call included. */
  function throttle(fn, ms) {
    let timer = null;
    let pending = false;
    return () => {
      if (timer) {
        pending = true;
        return;
      }
      fn();
      timer = setTimeout(function release() {
        if (pending) {
          pending = false;
          fn();
          timer = setTimeout(release, ms);
        } else {
          timer = null;
        }
      }, ms);
    };
  }

  /** A view's timers and listeners, stopped together when the view goes away. */
  function lifetime() {
    const timers = [];
    let alive = true;
    return {
      every(ms, fn) {
        timers.push(setInterval(() => alive && fn(), ms));
      },
      get alive() {
        return alive;
      },
      end() {
        alive = false;
        timers.forEach(clearInterval);
      },
    };
  }

  // ---------------------------------------------------------------- submitting

  async function submitTask(spec, { open = true, quiet = false } = {}) {
    try {
      const task = await api('/api/tasks', { json: spec });
      if (open) location.hash = `#/tasks/${task.id}`;
      else if (!quiet) toast(`Submitted ${spec.topic}/${spec.subtype} as task ${task.id}.`, { href: `#/tasks/${task.id}`, linkText: 'Follow it' });
      return task;
    } catch (error) {
      reportError(error);
      return null;
    }
  }

  async function putDocument(key, value, { open = false } = {}) {
    try {
      const task = await api(`/api/documents/${documentPath(key)}`, { method: 'PUT', json: value });
      toast(`Submitted document/put on ${key} as task ${task.id}.`, { href: `#/tasks/${task.id}`, linkText: 'Follow it' });
      if (open) location.hash = `#/documents/${documentPath(key)}`;
      return task;
    } catch (error) {
      reportError(error);
      return null;
    }
  }

  const demos = {
    echo: () => submitTask({ topic: 'demo', subtype: 'echo', payload: { message: 'hello from the dashboard' } }),
    sleep: () => submitTask({ topic: 'demo', subtype: 'sleep', payload: { ms: 5000 }, documents: ['demo/locked'], timeout: '30s' }),
    fail: () => submitTask({ topic: 'demo', subtype: 'fail', payload: { message: 'a demo failure: nothing was changed' } }),
    document: () => putDocument('demo/greeting', { text: 'hello', writtenAt: new Date().toISOString() }, { open: true }),
  };

  function tryButtons(which = ['echo', 'sleep', 'fail', 'document']) {
    const labels = {
      echo: ['Run a demo/echo task', 'Completes at once with its payload as the result.'],
      sleep: ['Hold a lock for 5 s', 'demo/sleep locks the document demo/locked while it sleeps.'],
      fail: ['Run a failing task', 'demo/fail fails; the task rolls back and ends Failed.'],
      document: ['Write a document', 'PUT demo/greeting: a document/put task makes a new version.'],
    };
    return which.map((name, index) => h('button', {
      class: index === 0 ? 'primary needs-submit' : 'needs-submit',
      title: labels[name][1],
      dataset: { try: name },
      onclick: (event) => {
        event.target.disabled = true;
        demos[name]().finally(() => { event.target.disabled = false; });
      },
    }, labels[name][0]));
  }

  // ---------------------------------------------------------------- live events

  function connectEvents() {
    const live = document.getElementById('live');
    const liveText = document.getElementById('live-text');
    if (!may.allTasks()) {
      live.className = 'live off';
      liveText.textContent = 'No live events for this role';
      live.title = 'Following every task (/api/events) needs the grant Tasks = All; pages still load when opened.';
      return;
    }
    const source = new EventSource('/api/events');
    let lost = false;
    source.onopen = () => {
      live.className = 'live on';
      liveText.textContent = 'Live';
      // /api/events is live only (it does not replay what was published while we were away): re-read the page.
      if (lost) {
        lost = false;
        refreshCluster();
        route();
      }
    };
    source.onerror = () => {
      lost = true;
      // EventSource reconnects by itself; say so instead of showing stale data as live.
      live.className = source.readyState === EventSource.CLOSED ? 'live off' : 'live';
      liveText.textContent = source.readyState === EventSource.CLOSED ? 'Disconnected — reload the page' : 'Reconnecting…';
    };
    const receive = (message) => {
      const event = JSON.parse(message.data);
      if (event.kind === 'status') {
        // One line per task, showing its latest status.
        shared.feed = shared.feed.filter((seen) => seen.taskId !== event.taskId);
        shared.feed.unshift(event);
        shared.feed.length = Math.min(shared.feed.length, 40);
        refreshClusterSoon();
      }
      if (current && current.onEvent) current.onEvent(event);
    };
    source.addEventListener('status', receive);
    source.addEventListener('log', receive);
  }

  async function refreshCluster() {
    try {
      shared.cluster = await api('/api/cluster');
      const rollbackFailed = shared.cluster.tasks.RollbackFailed || 0;
      const badgeElement = document.getElementById('nav-failures');
      badgeElement.hidden = rollbackFailed === 0;
      badgeElement.textContent = rollbackFailed;
      badgeElement.title = `${rollbackFailed} task(s) ended RollbackFailed and need a person`;
      if (current && current.onCluster) current.onCluster(shared.cluster);
    } catch {
      // The next event or tick tries again; the live indicator shows a lost connection.
    }
  }
  const refreshClusterSoon = throttle(refreshCluster, 1000);

  // ---------------------------------------------------------------- charts

  function niceMax(value) {
    if (!(value > 0)) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    // Multiples whose quarters (the grid lines) are round numbers.
    for (const step of [1, 2, 4, 6, 8, 10]) if (value <= step * power) return step * power;
    return 10 * power;
  }

  /** A line chart of equally spaced points; null values leave gaps. */
  function lineChart(series, { windowSeconds, format, title }) {
    const width = 400;
    const height = 150;
    const left = 48;
    const right = 10;
    const top = 10;
    const bottom = 22;
    const values = series.flatMap((line) => line.values).filter((v) => v !== null && v !== undefined);
    const max = niceMax(Math.max(0, ...values));
    const count = Math.max(1, series[0].values.length);
    const x = (i) => left + (count === 1 ? 0 : (i * (width - left - right)) / (count - 1));
    const y = (v) => top + (height - top - bottom) * (1 - v / max);
    const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
    for (let tick = 0; tick <= 4; tick++) {
      const value = (max * tick) / 4;
      svg.append(s('line', { class: 'grid-line', x1: left, x2: width - right, y1: y(value), y2: y(value) }));
      svg.append(s('text', { class: 'axis', x: left - 6, y: y(value) + 3, 'text-anchor': 'end', text: format(value) }));
    }
    const minutes = windowSeconds / 60;
    [[0, `-${minutes} min`], [(count - 1) / 2, `-${minutes / 2} min`], [count - 1, 'now']].forEach(([i, label], n) => {
      svg.append(s('text', { class: 'axis', x: x(i), y: height - 6, 'text-anchor': n === 0 ? 'start' : n === 2 ? 'end' : 'middle', text: label }));
    });
    for (const line of series) {
      let path = '';
      let area = '';
      let start = null;
      line.values.forEach((value, i) => {
        if (value === null || value === undefined) {
          if (start !== null && line.fill) area += `L${x(i - 1)},${y(0)}Z`;
          start = null;
          return;
        }
        path += `${start === null ? 'M' : 'L'}${x(i).toFixed(1)},${y(value).toFixed(1)}`;
        if (line.fill) area += start === null ? `M${x(i).toFixed(1)},${y(0)}L${x(i).toFixed(1)},${y(value).toFixed(1)}` : `L${x(i).toFixed(1)},${y(value).toFixed(1)}`;
        if (start === null) start = i;
      });
      if (start !== null && line.fill) area += `L${x(count - 1)},${y(0)}Z`;
      if (area) svg.append(s('path', { class: 'area', d: area, fill: line.color }));
      if (path) svg.append(s('path', { class: 'series', d: path, stroke: line.color }));
      // A point with no neighbour draws no line: mark it.
      line.values.forEach((value, i) => {
        const alone = value !== null && value !== undefined && (i === 0 || line.values[i - 1] === null || line.values[i - 1] === undefined) && (i === count - 1 || line.values[i + 1] === null || line.values[i + 1] === undefined);
        if (alone) svg.append(s('circle', { cx: x(i), cy: y(value), r: 3, fill: line.color }));
      });
    }
    return h('div', {},
      svg,
      h('div', { class: 'legend' }, series.map((line) => h('span', {}, h('i', { style: `background:${line.color}` }), line.name))));
  }

  // ---------------------------------------------------------------- overview

  function overviewView(root) {
    const life = lifetime();
    const cards = h('div', { class: 'grid cards' });
    const welcome = h('div', {});
    const byStatus = h('div', { class: 'status-bars' });
    const charts = h('div', { class: 'grid three' });
    const silos = h('div', {});
    const feed = h('ul', { class: 'feed', id: 'feed' });
    let stats = null;

    append(root, [
      h('div', { class: 'page-head' },
        h('div', {},
          h('h1', { text: 'Cluster overview' }),
          h('p', { class: 'muted', text: 'Every request to Stackl is a task: an atomic, time-bounded unit of work that locks the documents it names, runs its handler, then commits all of its writes or rolls all of them back.' }))),
      welcome,
      cards,
      h('div', { class: 'grid two', style: 'margin-top:14px' },
        h('section', { class: 'panel' },
          h('h2', { text: 'Tasks by status' }),
          h('p', { class: 'explain', text: 'All tasks in the database. Click a status to list its tasks.' }),
          byStatus),
        h('section', { class: 'panel' },
          h('h2', { text: 'Try it' }),
          h('p', { class: 'explain', text: 'Each button submits a real task to this silo and opens it, so you can watch it run.' }),
          h('div', { class: 'toolbar' }, tryButtons()),
          h('h3', { text: 'From a shell' }),
          h('pre', { class: 'json', text: `curl -X POST '${location.origin}/api/tasks?wait=5s' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"topic": "demo", "subtype": "echo", "payload": {"hello": "world"}}'` }),
          h('p', { class: 'explain small' }, 'The API is described at ', h('a', { href: '/openapi/v1.json', text: '/openapi/v1.json' }), '; Prometheus metrics are at ', h('a', { href: '/metrics', text: '/metrics' }), '.'))),
      h('section', { class: 'panel', style: 'margin-top:14px' },
        h('div', { class: 'spread' },
          h('h2', { text: 'Last 10 minutes in the cluster' }),
          h('span', { class: 'muted small', id: 'stats-note' })),
        charts),
      h('div', { class: 'grid two', style: 'margin-top:14px' },
        h('section', { class: 'panel' },
          h('div', { class: 'spread' }, h('h2', { text: 'Silos' }), h('a', { href: '/orleans/', id: 'orleans-link', class: 'small', text: 'Orleans dashboard →' })),
          h('p', { class: 'explain', text: 'Every silo in Orleans\' membership. Tasks/s and p50 are each silo\'s own, over the last minute; every silo serves the same API and dashboard.' }),
          silos),
        h('section', { class: 'panel' },
          h('h2', { text: 'Live activity' }),
          h('p', { class: 'explain', text: 'Task status changes as the cluster\'s silos publish them.' }),
          feed)),
    ]);

    function card(label, value, hint, id) {
      return h('div', { class: 'panel card', dataset: { card: id } }, h('div', { class: 'label', text: label }), h('div', { class: 'value', text: value }), h('div', { class: 'hint', text: hint }));
    }

    function renderCards() {
      const cluster = shared.cluster;
      const minute = stats && stats.cluster.lastMinute;
      const active = cluster ? cluster.silos.filter((silo) => silo.status === 'Active').length : null;
      const running = cluster ? (cluster.tasks.Running || 0) + (cluster.tasks.Pending || 0) + (cluster.tasks.RollingBack || 0) : null;
      cards.replaceChildren(
        card('Silos', cluster ? `${active} / ${cluster.silos.length}` : '—', 'active / in the membership table', 'silos'),
        card('Activations', cluster ? fmtNumber(cluster.silos.reduce((sum, silo) => sum + (silo.activations || 0), 0)) : '—', 'grains in memory on this silo', 'activations'),
        card('Unfinished tasks', running === null ? '—' : fmtNumber(running), 'pending, running or rolling back', 'unfinished'),
        card('Tasks / s', minute ? fmtNumber(minute.tasksPerSecond, 2) : '—', 'finished in the cluster, last minute', 'throughput'),
        card('Latency p50', minute && minute.p50Ms !== null ? fmtDuration(minute.p50Ms) : '—', 'completed tasks, last minute', 'p50'),
        card('Latency p99', minute && minute.p99Ms !== null ? fmtDuration(minute.p99Ms) : '—', 'completed tasks, last minute', 'p99'),
        card('Error rate', minute && minute.errorRate !== null ? `${(minute.errorRate * 100).toFixed(1)} %` : '—', 'failed or timed out, last minute', 'errors'));
    }

    function renderStatus() {
      const cluster = shared.cluster;
      if (!cluster) return;
      const total = STATUSES.reduce((sum, status) => sum + (cluster.tasks[status] || 0), 0);
      welcome.replaceChildren(...(total === 0
        ? [h('section', { class: 'panel', style: 'margin-bottom:14px', id: 'welcome' }, emptyState(
          'This silo has not run any tasks yet.',
          'Submit one and watch it appear here, in Tasks and in the charts. Programs submit tasks with POST /api/tasks, the .NET client or the stackl CLI.',
          tryButtons(['echo', 'document'])))]
        : []));
      byStatus.replaceChildren(...STATUSES.map((status) => {
        const n = cluster.tasks[status] || 0;
        return h('a', { class: 'status-bar', href: `#/tasks?status=${status}`, title: STATUS_HELP[status], dataset: { statusCount: status } },
          h('span', {}, badge(status)),
          h('span', { class: 'track' }, h('span', { class: 'fill', style: `display:block;width:${n ? Math.max(1, (100 * n) / total) : 0}%;background:var(--${status.toLowerCase()})` })),
          h('span', { class: 'n', text: fmtNumber(n) }));
      }));
      renderSilos();
    }

    function renderSilos() {
      const cluster = shared.cluster;
      if (!cluster) return;
      const bySilo = new Map(stats ? stats.silos.map((own) => [own.silo, own.lastMinute]) : []);
      silos.replaceChildren(h('table', { id: 'silo-table' },
        h('thead', {}, h('tr', {}, h('th', { text: 'Silo' }), h('th', { text: 'Status' }), h('th', { text: 'Last heartbeat' }), h('th', { text: 'Address' }), h('th', { class: 'num', text: 'Tasks / s' }), h('th', { class: 'num', text: 'p50' }), h('th', { class: 'num', text: 'Activations' }))),
        h('tbody', {}, cluster.silos.map((silo) => {
          const minute = silo.status === 'Active' ? bySilo.get(silo.name) : null;
          return h('tr', { dataset: { silo: silo.name } },
            h('td', {}, h('span', { class: 'mono' }, silo.name), silo.name === cluster.self ? h('span', { class: 'muted small' }, ' (this silo)') : null),
            h('td', { class: 'silo-status' }, silo.status),
            h('td', {}, timeCell(silo.leaseRenewedAt)),
            h('td', { class: 'mono small', text: silo.address || '—' }),
            h('td', { class: 'num', text: minute ? fmtNumber(minute.tasksPerSecond, 2) : '—' }),
            h('td', { class: 'num', text: minute && minute.p50Ms !== null ? fmtDuration(minute.p50Ms) : '—' }),
            h('td', { class: 'num', text: silo.activations === null ? 'n/a' : fmtNumber(silo.activations) }));
        }))));
    }

    function renderCharts() {
      if (!stats) return;
      const total = stats.cluster;
      const series = total.series;
      const options = { windowSeconds: total.windowSeconds };
      const anything = series.some((point) => point.submitted || point.completed || point.failed || point.cancelled);
      const names = stats.silos.map((own) => own.silo).join(', ');
      document.getElementById('stats-note').textContent = `${total.stepSeconds} s steps · summed over ${stats.silos.length === 1 ? 'silo' : 'silos'} ${names}, each since it started${stats.unanswered.length ? ` · ${stats.unanswered.length} silo(s) did not answer` : ''}`;
      charts.replaceChildren(
        h('div', {}, h('h3', { text: 'Throughput (tasks / s)' }), lineChart([
          { name: 'submitted', color: '#8c959f', values: series.map((p) => p.submitted / total.stepSeconds) },
          { name: 'finished', color: '#1f6feb', fill: true, values: series.map((p) => p.tasksPerSecond) },
        ], { ...options, title: 'Tasks per second', format: axisNumber })),
        h('div', {}, h('h3', { text: 'Latency of completed tasks' }), lineChart([
          { name: 'p50', color: '#1a7f37', values: series.map((p) => p.p50Ms) },
          { name: 'p99', color: '#bc4c00', values: series.map((p) => p.p99Ms) },
        ], { ...options, title: 'Latency in milliseconds', format: (v) => fmtDuration(v) })),
        h('div', {}, h('h3', { text: 'Failures per step' }), lineChart([
          { name: 'failed or timed out', color: '#cf222e', fill: true, values: series.map((p) => p.failed) },
          { name: 'cancelled', color: '#57606a', values: series.map((p) => p.cancelled) },
        ], { ...options, title: 'Failures', format: axisNumber })));
      if (!anything) {
        charts.append(h('p', { class: 'muted small', style: 'grid-column:1/-1', text: 'No task has finished in the cluster in the last 10 minutes; the charts fill in as tasks run.' }));
      }
    }

    function renderFeed() {
      if (shared.feed.length === 0) {
        feed.replaceChildren(h('li', { class: 'muted', text: 'Waiting for tasks… use Try it above, or submit with POST /api/tasks.' }));
        return;
      }
      feed.replaceChildren(...shared.feed.slice(0, 20).map((event) => h('li', {},
        h('span', { class: 'when', text: fmtTime(event.at) }),
        badge(event.status),
        taskLink(event.taskId),
        h('span', { class: 'muted', text: `${event.topic}/${event.subtype}` }),
        event.durationMs !== null && event.durationMs !== undefined ? h('span', { class: 'muted small', text: fmtDuration(event.durationMs) }) : null)));
    }

    async function loadStats() {
      try {
        stats = await api('/api/stats/cluster');
        shared.clockSkewMs = new Date(stats.cluster.at).getTime() - Date.now();
        renderCards();
        renderCharts();
        renderSilos();
      } catch {
        // Shown as stale; the next tick tries again.
      }
    }

    renderCards();
    renderStatus();
    renderFeed();
    loadStats();
    refreshCluster();
    life.every(2000, loadStats);
    life.every(5000, refreshCluster);
    const statsSoon = throttle(loadStats, 700);
    return {
      onCluster() {
        renderCards();
        renderStatus();
      },
      onEvent(event) {
        if (event.kind !== 'status') return;
        renderFeed();
        if (FINAL.has(event.status)) statsSoon();
      },
      unmount: life.end,
    };
  }

  // ---------------------------------------------------------------- tasks

  function handlerOptions(selected) {
    return shared.handlers.map((name) => h('option', { value: name, selected: name === selected }, name));
  }

  function submitForm(onClose) {
    const first = shared.handlers.includes('demo/echo') ? 'demo/echo' : shared.handlers[0];
    const handler = h('select', { name: 'handler', id: 'submit-handler' }, handlerOptions(first));
    const payload = h('textarea', { name: 'payload', id: 'submit-payload', spellcheck: 'false' });
    const documents = h('input', { name: 'documents', id: 'submit-documents', placeholder: 'e.g. environment/prod, environment/test' });
    const timeout = h('input', { name: 'timeout', id: 'submit-timeout', placeholder: 'server default (30s)', size: 12 });
    const fill = () => {
      payload.value = pretty(SAMPLE_PAYLOADS[handler.value] || {});
    };
    handler.addEventListener('change', fill);
    fill();
    const form = h('form', {
      class: 'panel',
      id: 'submit-form',
      onsubmit: async (event) => {
        event.preventDefault();
        let body;
        try {
          body = payload.value.trim() ? JSON.parse(payload.value) : {};
        } catch (error) {
          toast(`The payload is not valid JSON: ${error.message}`, { bad: true });
          return;
        }
        const [topic, subtype] = handler.value.split('/');
        const spec = { topic, subtype, payload: body };
        const keys = documents.value.split(',').map((key) => key.trim()).filter(Boolean);
        if (keys.length) spec.documents = keys;
        if (timeout.value.trim()) spec.timeout = timeout.value.trim();
        const button = form.querySelector('button[type=submit]');
        button.disabled = true;
        const task = await submitTask(spec);
        button.disabled = false;
        if (task && onClose) onClose();
      },
    },
    h('h2', { text: 'Submit a task' }),
    h('p', { class: 'explain', text: 'The handler validates the payload before anything is stored; a bad payload is answered with an error that says what to fix. Documents listed here are locked in addition to those the payload names.' }),
    h('div', { class: 'form-row' },
      h('label', {}, 'Handler (topic/subtype)', handler),
      h('label', {}, 'Extra documents to lock', documents),
      h('label', { style: 'flex:0 1 140px' }, 'Timeout', timeout)),
    h('label', { style: 'margin-top:8px' }, 'Payload (JSON)', payload),
    h('div', { class: 'toolbar', style: 'margin-top:8px' },
      h('button', { type: 'submit', class: 'primary', id: 'submit-button' }, 'Submit'),
      onClose ? h('button', { type: 'button', onclick: onClose }, 'Close') : null));
    return form;
  }

  function tasksView(root, params) {
    const life = lifetime();
    const status = params.get('status') || '';
    const topic = params.get('topic') || '';
    const rows = new Map();
    const tbody = h('tbody', {});
    const more = h('button', { hidden: true }, 'Load more');
    const body = h('div', {});
    const formSlot = h('div', {});
    let next = null;

    const statusSelect = h('select', { id: 'filter-status', onchange: () => go(statusSelect.value, topicSelect.value) },
      h('option', { value: '' }, 'Any status'), STATUSES.map((value) => h('option', { value, selected: value === status }, value)));
    const topics = [...new Set(shared.handlers.map((name) => name.split('/')[0]))];
    if (topic && !topics.includes(topic)) topics.push(topic);
    const topicSelect = h('select', { id: 'filter-topic', onchange: () => go(statusSelect.value, topicSelect.value) },
      h('option', { value: '' }, 'Any topic'), topics.map((value) => h('option', { value, selected: value === topic }, value)));

    function go(newStatus, newTopic) {
      const query = new URLSearchParams();
      if (newStatus) query.set('status', newStatus);
      if (newTopic) query.set('topic', newTopic);
      location.hash = `#/tasks${query.toString() ? `?${query}` : ''}`;
    }

    function toggleForm() {
      if (formSlot.firstChild) formSlot.replaceChildren();
      else formSlot.replaceChildren(submitForm(toggleForm));
    }

    append(root, [
      h('div', { class: 'page-head' },
        h('div', {}, h('h1', { text: 'Tasks' }), h('p', { class: 'muted', text: 'Newest first. Rows change as tasks run; click one for its timeline, logs and result.' })),
        h('button', { class: 'primary needs-submit', id: 'open-submit', onclick: toggleForm }, 'Submit a task')),
      formSlot,
      h('section', { class: 'panel' },
        h('div', { class: 'toolbar', style: 'margin-bottom:10px' },
          h('label', {}, 'Status', statusSelect),
          h('label', {}, 'Topic', topicSelect),
          status || topic ? h('button', { onclick: () => go('', '') }, 'Clear filters') : null),
        body),
    ]);

    function matches(task) {
      return (!status || task.status === status) && (!topic || task.topic === topic);
    }

    function row(task) {
      const tr = h('tr', { class: 'clickable', dataset: { taskId: task.id }, onclick: (event) => { if (event.target.tagName !== 'A') location.hash = `#/tasks/${task.id}`; } },
        h('td', {}, taskLink(task.id)),
        h('td', {}, `${task.topic}/${task.subtype}`),
        h('td', { class: 'status-cell' }, badge(task.status)),
        h('td', {}, timeCell(task.created)),
        h('td', { class: 'num duration-cell', text: fmtDuration(taskDuration(task)) }),
        h('td', { class: 'mono small silo-cell', text: task.silo || '—' }),
        h('td', { class: 'ellipsis' }, task.documents.length ? task.documents.map((key, i) => [i ? ', ' : '', documentLink(key)]) : h('span', { class: 'muted', text: 'none' })));
      rows.set(task.id, tr);
      return tr;
    }

    function renderTable() {
      if (rows.size === 0) {
        body.replaceChildren(status || topic
          ? emptyState('No tasks match these filters.', 'Clear the filters, or submit a task that matches.', [h('button', { onclick: () => go('', '') }, 'Clear filters')])
          : emptyState('No tasks yet.', 'Submit one and it appears here at once, then changes status as it runs.', tryButtons(['echo', 'fail'])));
        return;
      }
      if (!body.contains(tbody)) {
        body.replaceChildren(h('table', { id: 'task-table' },
          h('thead', {}, h('tr', {}, ['Task', 'Handler', 'Status', 'Created', 'Duration', 'Silo', 'Documents'].map((text) => h('th', { text, class: text === 'Duration' ? 'num' : null })))),
          tbody), h('div', { style: 'margin-top:10px' }, more));
      }
    }

    async function load(after) {
      const query = new URLSearchParams({ limit: '50' });
      if (status) query.set('status', status);
      if (topic) query.set('topic', topic);
      if (after) query.set('after', after);
      try {
        const page = await api(`/api/tasks?${query}`);
        if (!life.alive) return;
        page.items.filter((task) => !rows.has(task.id)).forEach((task) => tbody.append(row(task)));
        next = page.next;
        more.hidden = !next;
        renderTable();
      } catch (error) {
        body.replaceChildren(h('div', { class: 'error-box', text: `Tasks could not be listed: ${error.message}` }));
      }
    }
    more.addEventListener('click', () => load(next));

    async function upsert(event) {
      const existing = rows.get(event.taskId);
      if (existing) {
        existing.querySelector('.status-cell').replaceChildren(badge(event.status));
        if (event.durationMs !== null && event.durationMs !== undefined) existing.querySelector('.duration-cell').textContent = fmtDuration(event.durationMs);
        existing.classList.remove('flash');
        void existing.offsetWidth;
        existing.classList.add('flash');
        return;
      }
      if (!matches({ status: event.status, topic: event.topic })) return;
      try {
        const task = await api(`/api/tasks/${event.taskId}`);
        if (!life.alive || rows.has(task.id) || !matches(task)) return;
        const tr = row(task);
        tr.classList.add('flash');
        tbody.prepend(tr);
        renderTable();
      } catch {
        // It will be in the next listing.
      }
    }

    load(null);
    life.every(5000, () => rows.forEach((tr) => tr.querySelectorAll('[data-at]').forEach((cell) => { cell.textContent = fmtRelative(cell.dataset.at); })));
    return {
      onEvent(event) {
        if (event.kind === 'status') upsert(event);
      },
      unmount: life.end,
    };
  }

  // ---------------------------------------------------------------- flows

  /** Each step's dependency level: 0 for a step that runs after none, else 1 + the highest level of the steps it runs after. */
  function stepLevels(steps) {
    const byName = new Map(steps.map((step) => [step.name, step]));
    const levels = new Map();
    const level = (step, path) => {
      if (levels.has(step.name)) return levels.get(step.name);
      // The silo refuses a cyclic flow; should one arrive anyway, draw it rather than recurse forever.
      if (path.has(step.name)) return 0;
      path.add(step.name);
      const before = step.after.map((name) => byName.get(name)).filter(Boolean);
      const value = before.length ? 1 + Math.max(...before.map((other) => level(other, path))) : 0;
      levels.set(step.name, value);
      return value;
    };
    steps.forEach((step) => level(step, new Set()));
    return levels;
  }

  function stepBox(step, selected, onSelect) {
    return h('button', {
      type: 'button',
      class: selected ? 'step selected' : 'step',
      dataset: { step: step.name, status: step.status },
      title: `${step.path}: ${STEP_HELP[step.status] || step.status} Click for its timeline.`,
      'aria-pressed': selected ? 'true' : 'false',
      onclick: () => onSelect(step.name),
    },
    h('span', { class: 'step-name', text: step.name }),
    h('span', { class: 'step-handler mono', text: step.handler }),
    h('span', { class: 'step-facts' },
      h('span', { class: `badge s-${step.status} step-status`, text: step.status }),
      step.attempt > 0 ? h('span', { class: 'step-attempt', title: 'Attempts so far', text: `attempt ${step.attempt}` }) : null,
      step.revertOrder ? h('span', { class: 'step-revert', title: `Reverted as number ${step.revertOrder} of the rollback (1 ran first)`, text: `↩ ${step.revertOrder}` }) : null));
  }

  /** The steps in columns by dependency level, with an SVG arrow from each step to each step that runs after it. */
  function flowGraph(steps, selected, onSelect) {
    const levels = stepLevels(steps);
    const columns = [];
    for (const step of steps) (columns[levels.get(step.name)] ||= []).push(step);
    const edges = s('svg', { class: 'flow-edges', 'aria-hidden': 'true' });
    const graph = h('div', { class: 'flow-graph', id: 'flow-graph' },
      edges,
      h('div', { class: 'flow-levels' }, columns.map((column, index) => h('div', { class: 'flow-level', dataset: { level: index } },
        column.map((step) => stepBox(step, step.name === selected, onSelect))))));
    // Arrows join the boxes where the browser put them: drawn once the graph is laid out, and again when it resizes.
    new ResizeObserver(() => drawEdges(graph, edges, steps)).observe(graph);
    return graph;
  }

  function drawEdges(graph, svg, steps) {
    const origin = graph.getBoundingClientRect();
    const boxes = new Map([...graph.querySelectorAll('.step')].map((box) => [box.dataset.step, box.getBoundingClientRect()]));
    svg.setAttribute('width', String(Math.ceil(origin.width)));
    svg.setAttribute('height', String(Math.ceil(origin.height)));
    const arrow = s('defs', {}, s('marker', { id: 'flow-arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' },
      s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'edge-head' })));
    const lines = [];
    for (const step of steps) {
      const to = boxes.get(step.name);
      for (const name of step.after) {
        const from = boxes.get(name);
        if (!from || !to) continue;
        const x1 = from.right - origin.left;
        const y1 = from.top + from.height / 2 - origin.top;
        const x2 = to.left - origin.left;
        const y2 = to.top + to.height / 2 - origin.top;
        const bend = Math.max(20, (x2 - x1) / 2);
        lines.push(s('path', { class: 'edge', d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`, 'marker-end': 'url(#flow-arrow)', 'data-from': name, 'data-to': step.name }));
      }
    }
    svg.replaceChildren(arrow, ...lines);
  }

  /** The picked step: its facts, outcome and timeline (every attempt, retry, skip and revert, and its handler's lines). */
  function stepDetail(step) {
    if (!step) return h('p', { class: 'muted', id: 'step-detail', text: 'Click a step to see its timeline.' });
    const started = step.started ? new Date(step.started).getTime() : null;
    const when = (iso) => (started === null ? fmtTime(iso) : `+${fmtDuration(new Date(iso).getTime() - started)}`);
    return h('div', { id: 'step-detail', dataset: { step: step.name } },
      h('p', { class: 'step-detail-head' }, 'Step ', h('strong', { text: step.name }), ' ', badge(step.status)),
      h('dl', { class: 'facts' },
        h('dt', { text: 'Handler' }), h('dd', { class: 'mono', text: step.handler }),
        h('dt', { text: 'Place' }), h('dd', { class: 'mono', text: step.path }),
        h('dt', { text: 'Runs after' }), h('dd', { text: step.after.length ? step.after.join(', ') : 'nothing: it runs first' }),
        h('dt', { text: 'Attempts' }), h('dd', { text: String(step.attempt) }),
        h('dt', { text: 'Started' }), h('dd', { text: fmtDateTime(step.started) }),
        h('dt', { text: 'Finished' }), h('dd', { text: fmtDateTime(step.finished) }),
        step.nextAttempt ? [h('dt', { text: 'Next attempt' }), h('dd', {}, timeCell(step.nextAttempt))] : null,
        step.revertOrder ? [h('dt', { text: 'Reverted' }), h('dd', { text: `↩ ${step.revertOrder} (1 was reverted first)` })] : null),
      step.error ? h('div', { class: 'error-box step-error' }, h('strong', { class: 'mono', text: step.error.code }), ' ', step.error.message) : null,
      step.result !== null && step.result !== undefined ? [h('p', { class: 'small muted', text: 'Provided:' }), h('pre', { class: 'json step-result', text: pretty(step.result) })] : null,
      step.logs.length
        ? h('ol', { class: 'timeline', id: 'step-timeline' }, step.logs.map((line) => h('li', {}, h('span', { class: 'when', title: fmtDateTime(line.at), text: when(line.at) }), h('span', { class: 'mono', text: line.message }))))
        : h('p', { class: 'muted', id: 'step-timeline', text: 'Nothing happened to this step yet.' }));
  }

  function flowPanel(steps, selected, onSelect) {
    const counts = new Map();
    steps.forEach((step) => counts.set(step.status, (counts.get(step.status) || 0) + 1));
    return h('section', { class: 'panel flow', id: 'flow-steps' },
      h('div', { class: 'spread' },
        h('h2', { text: `Steps (${steps.length})` }),
        h('span', { class: 'small muted', id: 'flow-summary', text: [...counts].map(([status, n]) => `${n} ${status}`).join(' · ') })),
      h('p', { class: 'explain', text: 'Each column is a dependency level: a step runs once the steps with arrows into it are done. ↩ n is the order of its revert when the flow rolled back (1 first, newest completed step first). Click a step for its timeline.' }),
      flowGraph(steps, selected, onSelect),
      stepDetail(steps.find((step) => step.name === selected)));
  }

  function taskView(root, id) {
    const life = lifetime();
    let task = null;
    let loads = 0;
    let selectedStep = null;
    const liveLogs = [];
    append(root, h('div', { class: 'breadcrumb' }, h('a', { href: '#/tasks', text: 'Tasks' }), ' / ', h('span', { class: 'mono', text: id })));
    const content = h('div', {}, h('p', { class: 'muted', text: 'Loading…' }));
    root.append(content);

    async function load() {
      const seq = ++loads;
      try {
        const read = await api(`/api/tasks/${encodeURIComponent(id)}`);
        // Reads overlap while a flow runs: only the newest one is shown.
        if (seq !== loads) return;
        task = read;
        if (life.alive) render();
      } catch (error) {
        content.replaceChildren(h('div', { class: 'error-box', text: error.message }), h('p', {}, h('a', { href: '#/tasks', text: 'Back to the task list' })));
      }
    }

    function timeline() {
      const created = new Date(task.created).getTime();
      const offset = (iso) => `+${fmtDuration(new Date(iso).getTime() - created)}`;
      const items = [h('li', { class: 'st', id: 'timeline-submitted' }, h('span', { class: 'when', text: fmtTime(task.created) }), task.source ? `Submitted by ${task.source}, accepted and stored ` : 'Accepted and stored ', h('span', { class: 'muted small', text: `(deadline ${fmtTime(task.deadline)})` }))];
      if (task.started) items.push(h('li', { class: 'st' }, h('span', { class: 'when', text: offset(task.started) }), task.documents.length ? `Started: locking ${task.documents.join(', ')} in key order, then running ${task.topic}/${task.subtype}` : `Started: running ${task.topic}/${task.subtype}`));
      const logs = task.logs.length ? task.logs : liveLogs;
      const entries = logs.map((line) => ({ at: line.at, item: h('li', {}, h('span', { class: 'when', text: offset(line.at) }), h('span', { class: 'mono', text: line.message })) }));
      if (task.cancelRequested) entries.push({ at: task.cancelRequested, item: h('li', { class: 'final-bad', id: 'timeline-cancelled' }, h('span', { class: 'when', text: offset(task.cancelRequested) }), `Cancel asked by ${task.cancelledBy || 'someone'}`) });
      entries.sort((a, b) => new Date(a.at) - new Date(b.at)).forEach((entry) => items.push(entry.item));
      if (task.status === 'RollingBack') items.push(h('li', { class: 'final-bad' }, h('span', { class: 'when', text: 'now' }), 'Rolling back: discarding staged writes, running revert actions'));
      if (FINAL.has(task.status)) {
        const ok = task.status === 'Completed';
        items.push(h('li', { class: ok ? 'final-ok' : 'final-bad' },
          h('span', { class: 'when', text: offset(task.completed) }),
          ok ? 'Completed: every staged write committed' : `${task.status}: ${task.error ? task.error.message : ''}`));
      } else if (task.status === 'Running') {
        items.push(h('li', {}, h('span', { class: 'when', text: '…' }), h('span', { class: 'muted', text: 'running — this page updates by itself' })));
      }
      return h('ol', { class: 'timeline', id: 'timeline' }, items);
    }

    function render() {
      const final = FINAL.has(task.status);
      const cancel = !may.cancel(task) ? null : h('button', {
        class: 'danger',
        id: 'cancel-task',
        disabled: final,
        title: final ? 'A final status never changes.' : 'Roll the task back; it ends Cancelled unless it already decided to commit.',
        onclick: async () => {
          cancel.disabled = true;
          try {
            task = await api(`/api/tasks/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
            toast(task.status === 'Cancelled' ? `Task ${id} is cancelled.` : `Cancelling task ${id}: it rolls back, then ends Cancelled.`);
            render();
          } catch (error) {
            reportError(error);
            load();
          }
        },
      }, 'Cancel task');
      const outcome = task.status === 'Completed'
        ? h('section', { class: 'panel' }, h('h2', { text: 'Result' }), task.result === null || task.result === undefined ? h('p', { class: 'muted', text: 'The handler returned no result.' }) : h('pre', { class: 'json', id: 'task-result', text: pretty(task.result) }))
        : task.error
          ? h('section', { class: 'panel' }, h('h2', { text: 'Error' }),
            h('div', { class: 'error-box', id: 'task-error' }, h('strong', { class: 'mono', text: task.error.code }), ' ', task.error.message),
            task.status === 'RollbackFailed' ? h('p', { class: 'notice', style: 'margin-top:8px', text: 'A revert action failed: a side effect outside Stackl may still be in place. Its documents were not changed. Check the side effect by hand.' }) : null)
          : h('section', { class: 'panel' }, h('h2', { text: 'Result' }), h('p', { class: 'muted', text: 'Not finished yet.' }));
      content.replaceChildren(
        h('div', { class: 'page-head' },
          h('div', {},
            h('h1', {}, h('span', { class: 'mono', text: task.id }), ' ', h('span', { id: 'task-status' }, badge(task.status))),
            h('p', { class: 'muted', text: `${task.topic}/${task.subtype}${task.source ? ` from ${task.source}` : ''} — ${STATUS_HELP[task.status]}` })),
          h('div', { class: 'toolbar' }, cancel)),
        task.steps ? flowPanel(task.steps, selectedStep, (name) => { selectedStep = selectedStep === name ? null : name; render(); }) : null,
        h('div', { class: task.steps ? 'grid two spaced' : 'grid two' },
          h('section', { class: 'panel' }, h('h2', { text: 'Timeline' }), timeline()),
          h('section', { class: 'panel' }, h('h2', { text: 'Facts' }),
            h('dl', { class: 'facts' },
              h('dt', { text: 'Handler' }), h('dd', { text: `${task.topic}/${task.subtype}` }),
              h('dt', { text: 'Created' }), h('dd', { text: fmtDateTime(task.created) }),
              h('dt', { text: 'Started' }), h('dd', { text: fmtDateTime(task.started) }),
              h('dt', { text: 'Finished' }), h('dd', { text: fmtDateTime(task.completed) }),
              h('dt', { text: 'Duration' }), h('dd', { text: fmtDuration(taskDuration(task)) }),
              h('dt', { text: 'Deadline' }), h('dd', { text: fmtDateTime(task.deadline) }),
              h('dt', { text: 'Attempt' }), h('dd', { text: String(task.attempt) }),
              h('dt', { text: 'Silo' }), h('dd', { class: 'mono', id: 'task-silo', text: task.silo || 'not recorded' }),
              h('dt', { text: 'Documents' }), h('dd', {}, task.documents.length ? task.documents.map((key, i) => [i ? ', ' : '', documentLink(key)]) : h('span', { class: 'muted', text: 'none' }))))),
        h('div', { class: 'grid two', style: 'margin-top:14px' },
          h('section', { class: 'panel' }, h('h2', { text: 'Payload' }), h('pre', { class: 'json', text: pretty(task.payload) })),
          outcome));
    }

    load();
    // A flow logs every change of a step, so its log events say when to re-read its steps; reverts log nothing to the flow,
    // and a role without live events gets none: while a flow runs it is also re-read every two seconds.
    const reloadSoon = throttle(() => life.alive && load(), 300);
    life.every(2000, () => task && task.steps && !FINAL.has(task.status) && load());
    return {
      onEvent(event) {
        if (event.taskId !== id || !task) return;
        if (event.kind === 'log') {
          liveLogs.push({ at: event.at, message: event.message });
          if (task.steps) reloadSoon();
          else if (!task.logs.length) render();
        } else if (FINAL.has(event.status)) {
          load();
        } else {
          task.status = event.status;
          render();
          if (task.steps) reloadSoon();
        }
      },
      unmount: life.end,
    };
  }

  // ---------------------------------------------------------------- documents

  function documentsView(root, params) {
    const life = lifetime();
    const prefix = params.get('prefix') || '';
    const tbody = h('tbody', {});
    const body = h('div', {});
    const more = h('button', { hidden: true }, 'Load more');
    const prefixInput = h('input', { id: 'prefix', value: prefix, placeholder: 'e.g. environment/', size: 28 });
    const chips = h('div', { class: 'chips' });
    let next = null;
    let count = 0;

    const keyInput = h('input', { id: 'new-key', placeholder: 'type/name, e.g. environment/prod', size: 30 });
    const valueInput = h('textarea', { id: 'new-value', spellcheck: 'false' });
    valueInput.value = pretty({ replicas: 2, region: 'eu-west' });
    const writeForm = h('form', {
      class: 'panel needs-write',
      onsubmit: async (event) => {
        event.preventDefault();
        let value;
        try {
          value = JSON.parse(valueInput.value);
        } catch (error) {
          toast(`The value is not valid JSON: ${error.message}`, { bad: true });
          return;
        }
        if (keyInput.value.trim()) await putDocument(keyInput.value.trim(), value, { open: true });
        else toast('Give the document a key such as environment/prod.', { bad: true });
      },
    },
    h('h2', { text: 'Write a document' }),
    h('p', { class: 'explain', text: 'Writing submits a document/put task: it locks the key, stages the value and commits a new version into the history.' }),
    h('div', { class: 'form-row' }, h('label', {}, 'Key', keyInput)),
    h('label', { style: 'margin-top:8px' }, 'Value (JSON)', valueInput),
    h('div', { class: 'toolbar', style: 'margin-top:8px' }, h('button', { type: 'submit', class: 'primary' }, 'Write')));

    append(root, [
      h('div', { class: 'page-head' }, h('div', {},
        h('h1', { text: 'Documents' }),
        h('p', { class: 'muted', text: 'JSON values named type/name. Only tasks change them, one task at a time per document; every committed version is kept, so any document can be diffed and restored.' }))),
      h('div', { class: 'grid', style: 'grid-template-columns: minmax(0, 2fr) minmax(280px, 1fr)' },
        h('section', { class: 'panel' },
          h('form', { class: 'toolbar', style: 'margin-bottom:10px', onsubmit: (event) => { event.preventDefault(); location.hash = prefixInput.value ? `#/documents?prefix=${encodeURIComponent(prefixInput.value)}` : '#/documents'; } },
            h('label', {}, 'Key prefix', prefixInput), h('button', { type: 'submit' }, 'Browse'), prefix ? h('button', { type: 'button', onclick: () => { location.hash = '#/documents'; } }, 'All documents') : null),
          chips,
          body),
        writeForm),
    ]);

    async function load(after) {
      const query = new URLSearchParams({ limit: '100' });
      if (prefix) query.set('prefix', prefix);
      if (after) query.set('after', after);
      try {
        const page = await api(`/api/documents?${query}`);
        if (!life.alive) return;
        page.items.forEach((doc) => {
          count++;
          tbody.append(h('tr', { class: 'clickable', onclick: () => { location.hash = `#/documents/${documentPath(doc.key)}`; } },
            h('td', {}, documentLink(doc.key)),
            h('td', { class: 'num', text: String(doc.version) }),
            h('td', {}, doc.lockedBy ? taskLink(doc.lockedBy) : h('span', { class: 'muted', text: '—' })),
            h('td', { class: 'ellipsis mono', text: preview(doc.value) })));
        });
        if (!after) {
          const types = [...new Set(page.items.map((doc) => `${doc.key.split('/')[0]}/`))];
          chips.replaceChildren(...(types.length > 1 ? types.map((type) => h('a', { class: type === prefix ? 'chip on' : 'chip', href: `#/documents?prefix=${encodeURIComponent(type)}`, text: type })) : []));
        }
        next = page.next;
        more.hidden = !next;
        if (count === 0) {
          body.replaceChildren(prefix
            ? emptyState(`No document key starts with “${prefix}”.`, 'Browse all documents, or write one with the form.')
            : emptyState('No documents yet.', 'Write one with the form, or try the sample: each write is a task that makes a new version.', tryButtons(['document'])));
        } else if (!body.contains(tbody)) {
          body.replaceChildren(h('table', { id: 'document-table' }, h('thead', {}, h('tr', {}, h('th', { text: 'Key' }), h('th', { class: 'num', text: 'Version' }), h('th', { text: 'Locked by' }), h('th', { text: 'Value' }))), tbody), h('div', { style: 'margin-top:10px' }, more));
        }
      } catch (error) {
        body.replaceChildren(h('div', { class: 'error-box', text: `Documents could not be listed: ${error.message}` }));
      }
    }
    more.addEventListener('click', () => load(next));
    load(null);
    const reload = throttle(() => {
      if (!life.alive) return;
      count = 0;
      tbody.replaceChildren();
      load(null);
    }, 1000);
    return {
      onEvent(event) {
        if (event.kind === 'status' && event.topic === 'document' && FINAL.has(event.status)) reload();
      },
      unmount: life.end,
    };
  }

  /** A line diff (longest common subsequence) of two pretty-printed JSON values, unchanged runs folded. */
  function diffLines(before, after) {
    const a = before.split('\n');
    const b = after.split('\n');
    if (a.length * b.length > 4000000) return null;
    const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    const out = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        out.push([' ', a[i]]);
        i++;
        j++;
      } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
        // Removals before additions, as unified diffs show them.
        out.push(['-', a[i]]);
        i++;
      } else {
        out.push(['+', b[j]]);
        j++;
      }
    }
    return out;
  }

  function sortedJson(value) {
    if (Array.isArray(value)) return value.map(sortedJson);
    if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedJson(value[key])]));
    return value;
  }

  function diffView(from, to) {
    const text = (entry) => (entry.value === null || entry.value === undefined ? '(deleted)' : JSON.stringify(sortedJson(entry.value), null, 2));
    const lines = diffLines(text(from), text(to));
    if (!lines) return h('p', { class: 'muted', text: 'These versions are too large to diff here; read them from /api/documents/{key}/history/{version}.' });
    const added = lines.filter(([kind]) => kind === '+').length;
    const removed = lines.filter(([kind]) => kind === '-').length;
    const rows = [];
    const context = 3;
    lines.forEach(([kind, line], index) => {
      if (kind === ' ') {
        const near = lines.slice(Math.max(0, index - context), index + context + 1).some(([k]) => k !== ' ');
        if (!near) {
          if (!rows.length || rows[rows.length - 1].className !== 'gap') rows.push(h('div', { class: 'gap', text: '⋯ unchanged lines' }));
          return;
        }
      }
      rows.push(h('div', { class: kind === '+' ? 'add' : kind === '-' ? 'del' : '' , text: `${kind} ${line}` }));
    });
    return h('div', {},
      h('p', { class: 'diff-summary', id: 'diff-summary' }, added || removed ? `version ${from.version} → version ${to.version}: ${added} line(s) added, ${removed} removed (keys sorted)` : `versions ${from.version} and ${to.version} have the same value`),
      h('div', { class: 'diff', id: 'diff' }, rows));
  }

  function documentView(root, key) {
    const life = lifetime();
    let history = [];
    let draft = null;
    let fromVersion = null;
    let toVersion = null;
    const parts = key.split('/');
    append(root, h('div', { class: 'breadcrumb' },
      h('a', { href: '#/documents', text: 'Documents' }), ' / ',
      h('a', { href: `#/documents?prefix=${encodeURIComponent(`${parts[0]}/`)}`, text: parts[0] }), ' / ',
      h('span', { class: 'mono', text: key })));
    const content = h('div', {}, h('p', { class: 'muted', text: 'Loading…' }));
    root.append(content);

    async function restore(version) {
      const task = await submitTask({ topic: 'document', subtype: 'restore', payload: { key, version } }, { open: false, quiet: true });
      if (task) toast(`Restoring ${key} to version ${version}: task ${task.id} will commit it as a new version.`, { href: `#/tasks/${task.id}`, linkText: 'Follow it' });
    }

    async function load() {
      let doc = null;
      try {
        doc = await api(`/api/documents/${documentPath(key)}`);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) {
          content.replaceChildren(h('div', { class: 'error-box', text: error.message }));
          return;
        }
      }
      try {
        history = (await api(`/api/documents/${documentPath(key)}/history?limit=200`)).items;
      } catch (error) {
        content.replaceChildren(h('div', { class: 'error-box', text: error.message }));
        return;
      }
      if (!life.alive) return;
      if (toVersion === null || !history.some((entry) => entry.version === toVersion) || toVersion < history[0].version) {
        toVersion = history.length ? history[0].version : null;
        fromVersion = history.length > 1 ? history[1].version : toVersion;
      }
      render(doc);
    }

    function render(doc) {
      if (!history.length) {
        content.replaceChildren(h('h1', { class: 'mono', text: key }), emptyState('This document has never been written.', 'Write it from the Documents page, or with PUT /api/documents/' + key + '.', [h('a', { class: 'button', href: '#/documents', text: 'Go to Documents' })]));
        return;
      }
      const newest = history[0];
      // A live refresh keeps what the person is typing.
      const editor = h('textarea', { id: 'edit-value', spellcheck: 'false', oninput: () => { draft = editor.value; } });
      editor.value = draft ?? pretty(doc ? doc.value : newest.value);
      const picker = (name, selected, onPick) => h('input', { type: 'radio', name, checked: selected, onchange: onPick, title: name === 'from' ? 'Compare from this version' : 'Compare to this version' });
      const historyTable = h('table', { id: 'history-table' },
        h('thead', {}, h('tr', {}, h('th', { class: 'num', text: 'Version' }), h('th', { text: 'Committed by' }), h('th', { text: 'When' }), h('th', { text: 'Value' }), h('th', { text: 'From' }), h('th', { text: 'To' }), h('th', {}))),
        h('tbody', {}, history.map((entry) => h('tr', { dataset: { version: entry.version } },
          h('td', { class: 'num', text: String(entry.version) }),
          h('td', {}, taskLink(entry.taskId)),
          h('td', {}, timeCell(entry.at)),
          h('td', { class: 'ellipsis mono', text: preview(entry.value) }),
          h('td', {}, picker('from', entry.version === fromVersion, () => { fromVersion = entry.version; render(doc); })),
          h('td', {}, picker('to', entry.version === toVersion, () => { toVersion = entry.version; render(doc); })),
          h('td', {}, entry.version === newest.version
            ? h('span', { class: 'muted small', text: 'current' })
            : !may.restore(key) ? null : h('button', { class: 'restore', dataset: { restore: entry.version }, title: `Submit document/restore {key, version: ${entry.version}}: a task that commits this value as a new version`, onclick: () => restore(entry.version) }, `Restore v${entry.version}`))))));
      const from = history.find((entry) => entry.version === fromVersion) || newest;
      const to = history.find((entry) => entry.version === toVersion) || newest;
      content.replaceChildren(
        h('div', { class: 'page-head' },
          h('div', {},
            h('h1', {}, h('span', { class: 'mono', text: key })),
            h('p', { class: 'muted' },
              doc ? `Version ${doc.version}` : `Deleted at version ${newest.version}`,
              doc && doc.lockedBy ? [' · locked by ', taskLink(doc.lockedBy)] : ' · not locked',
              ` · ${history.length} version(s) in history`))),
        h('div', { class: 'grid two' },
          h('section', { class: 'panel' },
            h('h2', { text: 'Current value' }),
            h('pre', { class: 'json', id: 'current-value', text: doc ? pretty(doc.value) : '(deleted)' })),
          h('section', { class: 'panel', hidden: !may.write(key) },
            h('h2', { text: 'Write a new value' }),
            editor,
            h('div', { class: 'toolbar', style: 'margin-top:8px' }, h('button', {
              class: 'primary',
              onclick: async () => {
                let value;
                try {
                  value = JSON.parse(editor.value);
                } catch (error) {
                  toast(`The value is not valid JSON: ${error.message}`, { bad: true });
                  return;
                }
                if (await putDocument(key, value)) draft = null;
              },
            }, 'Write as a new version')))),
        h('section', { class: 'panel', style: 'margin-top:14px' },
          h('h2', { text: 'History' }),
          h('p', { class: 'explain', text: 'Every committed version, newest first. Pick two versions to compare; restoring submits a document/restore task, which commits the old value as a new version (history is never rewritten).' }),
          historyTable),
        h('section', { class: 'panel', style: 'margin-top:14px' },
          h('h2', { text: `Diff: version ${from.version} → version ${to.version}` }),
          diffView(from, to)));
    }

    load();
    const reload = throttle(() => life.alive && load(), 500);
    return {
      onEvent(event) {
        if (event.kind === 'status' && event.topic === 'document' && FINAL.has(event.status)) reload();
      },
      unmount: life.end,
    };
  }

  // ---------------------------------------------------------------- locks, reminders, failures

  function locksView(root) {
    const life = lifetime();
    const body = h('div', {}, h('p', { class: 'muted', text: 'Loading…' }));
    append(root, [
      h('div', { class: 'page-head' }, h('div', {},
        h('h1', { text: 'Locks' }),
        h('p', { class: 'explain', text: 'A task locks every document it names, in key order, for as long as it runs; other tasks that want the same document wait in line, first come first served. Each lock has a lease tied to its task’s deadline, so a crashed task cannot hold a document forever.' }))),
      h('section', { class: 'panel' }, body),
    ]);

    async function load() {
      try {
        const queues = await api('/api/locks/queues?limit=200');
        if (!life.alive) return;
        body.replaceChildren(queues.length === 0
          ? emptyState('No document is locked right now.', 'Locks exist only while tasks run. Hold one for five seconds and it shows up here by itself.', tryButtons(['sleep']))
          : h('table', { id: 'lock-table' },
            h('thead', {}, h('tr', {}, h('th', { text: 'Document' }), h('th', { text: 'Held by' }), h('th', { text: 'Lease expires' }), h('th', { text: 'Waiting tasks (first in line first)' }))),
            h('tbody', {}, queues.map((lock) => h('tr', {},
              h('td', {}, documentLink(lock.key)),
              h('td', {}, taskLink(lock.owner)),
              h('td', {}, timeCell(lock.leaseUntil)),
              h('td', {}, lock.waiting.length ? h('ol', { style: 'margin:0;padding-left:18px' }, lock.waiting.map((id) => h('li', {}, taskLink(id)))) : h('span', { class: 'muted', text: 'none' })))))));
      } catch (error) {
        body.replaceChildren(h('div', { class: 'error-box', text: `Locks could not be read: ${error.message}` }));
      }
    }

    load();
    life.every(2000, load);
    const soon = throttle(load, 400);
    return { onEvent: (event) => event.kind === 'status' && soon(), unmount: life.end };
  }

  function remindersView(root) {
    const life = lifetime();
    const body = h('div', {}, h('p', { class: 'muted', text: 'Loading…' }));
    append(root, [
      h('div', { class: 'page-head' }, h('div', {},
        h('h1', { text: 'Reminders' }),
        h('p', { class: 'explain', text: 'Reminders are durable timers kept in the database, delivered at least once even across crashes. Every unfinished task has a deadline reminder: it times the task out, or recovers it after its silo died. A reminder that stays overdue means delivery is late.' }))),
      h('section', { class: 'panel' }, body),
    ]);

    async function load() {
      try {
        const reminders = await api('/api/reminders?limit=100');
        if (!life.alive) return;
        body.replaceChildren(reminders.length === 0
          ? emptyState('No reminder is scheduled.', 'They appear while tasks run, one per unfinished task. Start a five-second task to see its deadline reminder.', tryButtons(['sleep']))
          : h('table', { id: 'reminder-table' },
            h('thead', {}, h('tr', {}, h('th', { text: 'Owner' }), h('th', { text: 'Reminder' }), h('th', { text: 'Next due' }), h('th', { text: 'Repeats every' }), h('th', { class: 'num', text: 'Failed deliveries' }))),
            h('tbody', {}, reminders.map((reminder) => h('tr', {},
              h('td', {}, reminder.grainType === 'task' ? ['task ', taskLink(reminder.grainKey)] : h('span', { class: 'mono', text: `${reminder.grainType}/${reminder.grainKey}` })),
              h('td', { class: 'mono', text: reminder.name }),
              h('td', { class: reminder.overdueSeconds > 1 ? 'c-Failed' : '' }, reminder.overdueSeconds > 0 ? `overdue by ${fmtDuration(reminder.overdueSeconds * 1000)}` : timeCell(reminder.dueAt)),
              h('td', { text: reminder.periodSeconds ? fmtDuration(reminder.periodSeconds * 1000) : 'once' }),
              h('td', { class: 'num', text: String(reminder.attempt) }))))));
      } catch (error) {
        body.replaceChildren(h('div', { class: 'error-box', text: `Reminders could not be read: ${error.message}` }));
      }
    }

    load();
    life.every(2000, load);
    return { unmount: life.end };
  }

  // ---------------------------------------------------------------- schedules

  const SCHEDULE_SAMPLE = { topic: 'demo', subtype: 'echo', payload: { hello: 'from a schedule' } };

  function scheduleCurl() {
    const auth = shared.session && shared.session.required ? "  -H 'Authorization: Bearer stk_…' \\\n" : '';
    return `curl -X PUT '${location.origin}/api/schedules/every-5-minutes' \\\n${auth}  -H 'Content-Type: application/json' \\\n  -d '{"cron": "0 */5 * * * *", "timeZone": "UTC", "task": ${JSON.stringify(SCHEDULE_SAMPLE)}}'`;
  }

  /** A time as "in 3 s" over its local date and time; a dash when there is none. */
  function whenCell(iso) {
    if (!iso) return h('span', { class: 'muted', text: '—' });
    return h('span', { class: 'when-cell' },
      h('span', { class: 'nowrap relative', dataset: { at: iso }, text: fmtRelative(iso) }),
      h('span', { class: 'small muted nowrap absolute', text: fmtDateTime(iso) }));
  }

  function scheduleForm(onDone) {
    const name = h('input', { id: 'schedule-name', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_.\\-]{0,99}', placeholder: 'e.g. nightly-report', size: 24 });
    const cron = h('input', { id: 'schedule-cron', required: true, value: '0 */5 * * * *', size: 18, class: 'mono' });
    const timeZone = h('input', { id: 'schedule-timezone', placeholder: 'UTC', size: 16 });
    const overlap = h('select', { id: 'schedule-overlap' }, ['skip', 'queue', 'allow'].map((value) => h('option', { value }, value)));
    const catchUp = h('select', { id: 'schedule-catchup' }, ['last', 'none', 'all'].map((value) => h('option', { value }, value)));
    const task = h('textarea', { id: 'schedule-task', spellcheck: 'false' });
    task.value = pretty(SCHEDULE_SAMPLE);
    const form = h('form', {
      class: 'panel',
      id: 'schedule-form',
      onsubmit: async (event) => {
        event.preventDefault();
        let spec;
        try {
          spec = JSON.parse(task.value);
        } catch (error) {
          toast(`The task is not valid JSON: ${error.message}`, { bad: true });
          return;
        }
        const body = { cron: cron.value.trim(), task: spec, overlap: overlap.value, catchUp: catchUp.value };
        if (timeZone.value.trim()) body.timeZone = timeZone.value.trim();
        const button = form.querySelector('button[type=submit]');
        button.disabled = true;
        try {
          const schedule = await api(`/api/schedules/${encodeURIComponent(name.value.trim())}`, { method: 'PUT', json: body });
          toast(`Saved schedule ${schedule.name}: next run ${fmtRelative(schedule.nextDue)}.`);
          onDone(schedule);
        } catch (error) {
          reportError(error);
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h2', { text: 'Create or replace a schedule' }),
    h('p', { class: 'explain', text: 'The cron has 6 fields (seconds first) or 5. Each due time submits the task once; saving under an existing name replaces that schedule.' }),
    h('div', { class: 'form-row' },
      h('label', {}, 'Name', name),
      h('label', {}, 'Cron', cron),
      h('label', {}, 'Time zone (IANA)', timeZone),
      h('label', { style: 'flex:0 1 110px' }, 'Overlap', overlap),
      h('label', { style: 'flex:0 1 110px' }, 'Catch-up', catchUp)),
    h('label', { style: 'margin-top:8px' }, 'Task (JSON: topic, subtype, payload, documents?, timeout?)', task),
    h('div', { class: 'toolbar', style: 'margin-top:8px' },
      h('button', { type: 'submit', class: 'primary', id: 'schedule-save' }, 'Save schedule'),
      h('button', { type: 'button', onclick: () => onDone(null) }, 'Close')));
    return form;
  }

  function schedulesView(root) {
    const life = lifetime();
    const rows = new Map();
    const tbody = h('tbody', {});
    const body = h('div', {}, h('p', { class: 'muted', text: 'Loading…' }));
    const note = h('p', { class: 'muted small', hidden: true });
    const formSlot = h('div', {});
    // Bumped by every change made here, so a listing that was already on its way does not bring back what it changed.
    let generation = 0;
    // Listing needs Tasks = All; changing a schedule also needs the grant to submit its task (a reader sees every task, and only looks).
    const manage = may.allTasks() && may.submit();
    const mayManage = (schedule) => manage && grantMatches(grants().submit, `${schedule.task.topic}/${schedule.task.subtype}`);

    function toggleForm() {
      if (formSlot.firstChild) formSlot.replaceChildren();
      else formSlot.replaceChildren(scheduleForm((saved) => { formSlot.replaceChildren(); if (saved) changed(); }));
    }

    append(root, [
      h('div', { class: 'page-head' },
        h('div', {},
          h('h1', { text: 'Schedules' }),
          h('p', { class: 'explain', text: 'A schedule submits its task at every due time of its cron expression, once per due time even across silos and restarts. Overlap says what a due run does while the previous one is unfinished; catch-up, which missed runs start after downtime or a pause.' })),
        manage ? h('button', { class: 'primary', id: 'open-schedule-form', onclick: toggleForm }, 'New schedule') : null),
      formSlot,
      h('section', { class: 'panel' }, body, note),
    ]);

    if (!may.allTasks()) {
      body.replaceChildren(emptyState('Schedules need the grant to see every task.', 'Listing and managing schedules is for operators and administrators (Tasks = All); ask one to show them to you.'));
      return { unmount: life.end };
    }

    function changed() {
      generation++;
      load();
    }

    async function act(schedule, action, button) {
      const name = schedule.name;
      if (action === 'delete' && !confirm(`Delete the schedule ${name}? No further run starts; runs already started go on.`)) return;
      button.disabled = true;
      try {
        const path = `/api/schedules/${encodeURIComponent(name)}`;
        if (action === 'delete') {
          await api(path, { method: 'DELETE' });
          rows.get(name)?.tr.remove();
          rows.delete(name);
          toast(`Deleted the schedule ${name}.`);
          renderTable();
        } else if (action === 'trigger') {
          const task = await api(`${path}/trigger`, { method: 'POST' });
          const row = rows.get(name);
          if (row) row.triggered.replaceChildren('started ', taskLink(task.id));
          toast(`Started a run of ${name} now as task ${task.id}.`, { href: `#/tasks/${task.id}`, linkText: 'Follow it' });
        } else {
          update(await api(`${path}/${action}`, { method: 'POST' }));
        }
      } catch (error) {
        reportError(error);
      } finally {
        button.disabled = false;
        changed();
      }
    }

    function row(schedule) {
      const cells = {
        cron: h('td', {}),
        task: h('td', {}),
        overlap: h('td', {}),
        catchUp: h('td', {}),
        state: h('td', { class: 'state-cell' }),
        next: h('td', { class: 'next-cell' }),
        last: h('td', { class: 'last-cell' }),
        runs: h('td', { class: 'num runs-cell' }),
        skipped: h('td', { class: 'num skipped-cell' }),
      };
      const entry = { schedule, cells, triggered: h('span', { class: 'triggered small' }) };
      const button = (action, label, extra = {}) => h('button', { dataset: { action }, onclick: (event) => act(entry.schedule, event.currentTarget.dataset.action, event.currentTarget), ...extra }, label);
      entry.toggle = button('pause', 'Pause');
      entry.controls = h('div', { class: 'toolbar' },
        entry.toggle,
        button('trigger', 'Run now', { title: 'Start a run now, outside the cron' }),
        button('delete', 'Delete', { class: 'danger', title: 'Delete this schedule; runs already started go on' }));
      entry.tr = h('tr', { dataset: { schedule: schedule.name } },
        h('td', { class: 'mono nowrap', text: schedule.name }),
        cells.cron, cells.task, cells.overlap, cells.catchUp, cells.state, cells.next, cells.last, cells.runs, cells.skipped,
        h('td', { class: 'schedule-actions' }, entry.controls, entry.triggered));
      rows.set(schedule.name, entry);
      fill(entry);
      return entry.tr;
    }

    function fill(entry) {
      const { schedule, cells } = entry;
      cells.cron.replaceChildren(h('span', { class: 'mono nowrap', text: schedule.cron }), h('div', { class: 'small muted', text: schedule.timeZone }));
      cells.task.replaceChildren(h('span', { class: 'mono', title: pretty(schedule.task.payload), text: `${schedule.task.topic}/${schedule.task.subtype}` }));
      cells.overlap.textContent = String(schedule.overlap).toLowerCase();
      cells.catchUp.textContent = String(schedule.catchUp).toLowerCase();
      cells.state.replaceChildren(schedule.enabled
        ? h('span', { class: 'badge s-Completed', text: 'enabled' })
        : h('span', { class: 'badge s-Cancelled', text: 'paused' }));
      cells.next.replaceChildren(whenCell(schedule.nextDue));
      cells.last.replaceChildren();
      append(cells.last, schedule.lastDue || schedule.lastTaskId
        ? [whenCell(schedule.lastDue), schedule.lastTaskId ? h('div', { class: 'last-task' }, taskLink(schedule.lastTaskId)) : null]
        : h('span', { class: 'muted', text: 'never' }));
      cells.runs.textContent = fmtNumber(schedule.runs);
      cells.skipped.textContent = fmtNumber(schedule.skipped);
      entry.controls.hidden = !mayManage(schedule);
      entry.toggle.dataset.action = schedule.enabled ? 'pause' : 'resume';
      entry.toggle.textContent = schedule.enabled ? 'Pause' : 'Resume';
      entry.toggle.title = schedule.enabled ? 'No run starts until it is resumed' : 'Runs start again; missed ones are made up for as its catch-up says';
    }

    function update(schedule) {
      const entry = rows.get(schedule.name);
      if (!entry) return;
      entry.schedule = schedule;
      fill(entry);
    }

    function renderTable() {
      if (rows.size === 0) {
        body.replaceChildren(h('div', { class: 'empty', id: 'schedules-empty' },
          h('strong', { text: 'No schedules yet.' }),
          h('div', { text: `A schedule submits a task at every due time of a cron expression. ${manage ? 'Create one with New schedule above, or' : 'An operator creates one'} from a shell:` }),
          h('pre', { class: 'json', id: 'schedule-curl', style: 'text-align:left;margin-top:10px', text: scheduleCurl() })));
        return;
      }
      if (!body.contains(tbody)) {
        body.replaceChildren(h('table', { id: 'schedule-table' },
          h('thead', {}, h('tr', {}, ['Name', 'Cron', 'Task', 'Overlap', 'Catch-up', 'State', 'Next run', 'Last run', 'Runs', 'Skipped', ''].map((text) => h('th', { text, class: text === 'Runs' || text === 'Skipped' ? 'num' : null })))),
          tbody));
      }
    }

    async function load() {
      const seen = generation;
      try {
        const page = await api('/api/schedules?limit=200');
        if (!life.alive || seen !== generation) return;
        const names = new Set(page.items.map((schedule) => schedule.name));
        for (const [name, entry] of rows) {
          if (!names.has(name)) {
            entry.tr.remove();
            rows.delete(name);
          }
        }
        // Listed by name: rows are appended in that order, and a new one goes before the first name after it.
        for (const schedule of page.items) {
          if (rows.has(schedule.name)) update(schedule);
          else {
            const after = [...rows.keys()].filter((name) => name > schedule.name).sort()[0];
            const tr = row(schedule);
            if (after) tbody.insertBefore(tr, rows.get(after).tr);
            else tbody.append(tr);
          }
        }
        note.hidden = !page.next;
        note.textContent = page.next ? 'The first 200 schedules by name are shown; GET /api/schedules?after=… lists the rest.' : '';
        renderTable();
      } catch (error) {
        body.replaceChildren(h('div', { class: 'error-box', text: `Schedules could not be listed: ${error.message}` }));
        rows.clear();
        tbody.replaceChildren();
      }
    }

    load();
    life.every(2000, load);
    return { unmount: life.end };
  }

  function failureTable(tasks, id) {
    return h('table', { id },
      h('thead', {}, h('tr', {}, h('th', { text: 'Task' }), h('th', { text: 'Handler' }), h('th', { text: 'Status' }), h('th', { text: 'Error' }), h('th', { text: 'Finished' }))),
      h('tbody', {}, tasks.map((task) => h('tr', {},
        h('td', {}, taskLink(task.id)),
        h('td', { text: `${task.topic}/${task.subtype}` }),
        h('td', {}, badge(task.status)),
        h('td', {}, task.error ? [h('span', { class: 'mono', text: task.error.code }), ' ', task.error.message] : '—'),
        h('td', {}, timeCell(task.completed))))));
  }

  function failuresView(root) {
    const life = lifetime();
    const rollbackBody = h('div', {}, h('p', { class: 'muted', text: 'Loading…' }));
    const recentBody = h('div', {}, h('p', { class: 'muted', text: 'Loading…' }));
    const more = h('button', { hidden: true }, 'Load more');
    let rollbackFailed = [];
    let next = null;
    append(root, [
      h('div', { class: 'page-head' }, h('div', {},
        h('h1', { text: 'Failures' }),
        h('p', { class: 'muted', text: 'A failed task changed nothing: its staged writes were discarded and its locks released. Only a failed rollback leaves work for a person.' }))),
      h('section', { class: 'panel' },
        h('h2', { text: 'Rollback failed — needs a person' }),
        h('p', { class: 'explain', text: 'These tasks ended RollbackFailed: a revert action failed, so a side effect outside Stackl (a call to another system) may still be in place. Their documents were not changed. Every such task is listed.' }),
        rollbackBody,
        h('div', { style: 'margin-top:8px' }, more)),
      h('section', { class: 'panel' },
        h('h2', { text: 'Recent failures' }),
        h('p', { class: 'explain', text: 'Failed, timed-out and cancelled tasks, newest first.' }),
        recentBody),
    ]);

    async function loadRollbackFailed(after) {
      const query = new URLSearchParams({ status: 'RollbackFailed', limit: '100' });
      if (after) query.set('after', after);
      const page = await api(`/api/tasks?${query}`);
      rollbackFailed = after ? rollbackFailed.concat(page.items) : page.items;
      next = page.next;
      more.hidden = !next;
      rollbackBody.replaceChildren(rollbackFailed.length
        ? failureTable(rollbackFailed, 'rollback-failed-table')
        : emptyState('None — no rollback has ever failed.', 'Nothing needs a person.'));
    }

    async function loadRecent() {
      const pages = await Promise.all(['Failed', 'TimedOut', 'Cancelled'].map((status) => api(`/api/tasks?status=${status}&limit=25`)));
      const recent = pages.flatMap((page) => page.items).sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, 50);
      recentBody.replaceChildren(recent.length
        ? failureTable(recent, 'failure-table')
        : emptyState('No failed, timed-out or cancelled tasks.', 'Run a failing demo task to see how a failure is reported: it rolls back and changes nothing.', tryButtons(['fail'])));
    }

    async function load() {
      try {
        await Promise.all([loadRollbackFailed(null), loadRecent()]);
      } catch (error) {
        recentBody.replaceChildren(h('div', { class: 'error-box', text: `Failures could not be listed: ${error.message}` }));
      }
    }
    more.addEventListener('click', () => loadRollbackFailed(next).catch(reportError));

    load();
    const soon = throttle(() => life.alive && load(), 1000);
    return {
      onEvent(event) {
        if (event.kind === 'status' && FINAL.has(event.status) && event.status !== 'Completed') soon();
      },
      unmount: life.end,
    };
  }

  // ---------------------------------------------------------------- routing

  function route() {
    const hash = location.hash.replace(/^#\/?/, '') || 'overview';
    const [path, query = ''] = hash.split('?');
    const params = new URLSearchParams(query);
    const [section, ...rest] = path.split('/');
    const detail = rest.map(decodeURIComponent).join('/');
    if (current && current.unmount) current.unmount();
    view.replaceChildren();
    document.querySelectorAll('.tabs a').forEach((tab) => tab.classList.toggle('active', tab.dataset.section === section));
    const views = {
      overview: () => overviewView(view),
      tasks: () => (detail ? taskView(view, detail) : tasksView(view, params)),
      documents: () => (detail ? documentView(view, detail) : documentsView(view, params)),
      locks: () => locksView(view),
      reminders: () => remindersView(view),
      schedules: () => schedulesView(view),
      failures: () => failuresView(view),
    };
    const make = views[section];
    if (!make) {
      current = null;
      view.append(emptyState('There is no such page.', 'Pick a section above.', [h('a', { class: 'button', href: '#/overview', text: 'Overview' })]));
      return;
    }
    current = make();
    const title = section[0].toUpperCase() + section.slice(1);
    document.title = detail ? `${detail} · ${title} · Stackl` : `${title} · Stackl`;
  }

  /** Starts the activity feed with the newest tasks, so it is not empty until the next event. */
  async function seedFeed() {
    try {
      const page = await api('/api/tasks?limit=15');
      const known = new Set(shared.feed.map((event) => event.taskId));
      shared.feed.push(...page.items.filter((task) => !known.has(task.id)).map((task) => ({
        taskId: task.id, kind: 'status', status: task.status, topic: task.topic, subtype: task.subtype,
        at: task.completed || task.started || task.created, durationMs: taskDuration(task),
      })));
    } catch {
      // The feed fills from live events instead.
    }
  }

  async function start() {
    try {
      shared.session = await api('/auth/session');
    } catch {
      shared.session = null;
    }
    if (shared.session && shared.session.required && !shared.session.authenticated) {
      showSignIn();
      return;
    }
    applyGrants();
    try {
      shared.handlers = await api('/api/handlers');
    } catch {
      shared.handlers = Object.keys(SAMPLE_PAYLOADS);
    }
    connectEvents();
    await seedFeed();
    refreshCluster();
    setInterval(refreshCluster, 10000);
    window.addEventListener('hashchange', route);
    route();
  }

  start();
})();
