'use strict';

/*
 * The live dashboard of the sample app. It renders the snapshot that /api/dashboard/stream sends
 * every second, and drives the embedded simulator's fault endpoints and the load generator.
 * No framework and no build step: a model's card is built once and then updated in place, so
 * the chaos controls keep what the user is typing while the numbers change around them.
 */
(() => {
	const BURST_MILLIS = 10000;
	const LEGEND_SECONDS = 10;
	const RECENT_ERROR_MILLIS = 30000;
	const SVG = 'http://www.w3.org/2000/svg';
	const OUTCOMES = ['success', 'fallback', 'error'];

	/** Model id -> { card, form, name, burst }. */
	const models = new Map();

	/** Whether this app serves the simulator (not under the anthropic profile). */
	let simulator = false;

	// ---- small helpers ----

	function field(root, name) {
		return root.querySelector(`[data-field="${name}"]`);
	}

	function setText(root, name, text) {
		const element = field(root, name);
		if (element && element.textContent !== text) {
			element.textContent = text;
		}
	}

	function element(tag, attributes = {}, ...children) {
		const created = document.createElement(tag);
		Object.entries(attributes).forEach(([name, value]) => created.setAttribute(name, value));
		children.forEach((child) => created.append(child));
		return created;
	}

	function svgElement(tag, attributes = {}, text) {
		const created = document.createElementNS(SVG, tag);
		Object.entries(attributes).forEach(([name, value]) => created.setAttribute(name, value));
		if (text !== undefined) {
			created.textContent = text;
		}
		return created;
	}

	function millis(value) {
		if (value === null || value === undefined) {
			return '–';
		}
		return (value < 1000) ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
	}

	function perSecond(value) {
		return (value < 10) ? value.toFixed(1) : value.toFixed(0);
	}

	/** The breaker reports -1 while its window holds too few calls to judge. */
	function percent(value) {
		return (value < 0) ? '–' : `${value.toFixed(0)}%`;
	}

	/** Milliseconds of an ISO-8601 duration as Jackson writes it, such as PT0.4S or PT1M30S. */
	function isoMillis(duration) {
		const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(duration || '');
		if (!match) {
			return 0;
		}
		const [, hours, minutes, seconds] = match;
		return Math.round(((Number(hours || 0) * 60 + Number(minutes || 0)) * 60 + Number(seconds || 0)) * 1000);
	}

	async function call(method, url, body) {
		const options = { method, headers: {} };
		if (body !== undefined) {
			options.headers['Content-Type'] = 'application/json';
			options.body = JSON.stringify(body);
		}
		const response = await fetch(url, options);
		if (!response.ok) {
			let detail = `${response.status} ${response.statusText}`;
			try {
				detail = (await response.json()).detail || detail;
			}
			catch (ignored) {
				// not a problem detail; the status says enough
			}
			throw new Error(detail);
		}
		return (response.status === 204) ? null : response.json();
	}

	// ---- the stream of snapshots ----

	function connect() {
		const connection = document.getElementById('connection');
		const source = new EventSource('/api/dashboard/stream');
		source.addEventListener('snapshot', (event) => {
			connection.dataset.state = 'live';
			connection.textContent = 'live';
			render(JSON.parse(event.data));
		});
		// EventSource reconnects by itself; only say so.
		source.onerror = () => {
			connection.dataset.state = 'lost';
			connection.textContent = 'reconnecting';
		};
	}

	function render(snapshot) {
		const states = {};
		snapshot.models.forEach((model) => {
			states[model.id] = model.breaker.state;
		});
		renderModels(snapshot.models, snapshot.at);
		renderChains(snapshot.chains, states);
		renderChart(snapshot.history, snapshot.models.map((model) => model.id));
		renderQueue(snapshot.queue);
		renderHolds(snapshot.rateLimitHolds);
		renderCost(snapshot.cost, snapshot.at);
		renderLoad(snapshot.load, snapshot.at);
	}

	// ---- chains ----

	function renderChains(chains, states) {
		const list = document.getElementById('chains');
		list.replaceChildren(...Object.entries(chains).map(([name, chain]) => {
			const row = element('div', { class: 'chain', 'data-chain': name }, element('span', { class: 'chain-name' }, name));
			chain.models.forEach((id, index) => {
				if (index > 0) {
					row.append(element('span', { class: 'arrow' }, '→'));
				}
				const pill = element('span', { class: 'chain-model', 'data-state': states[id] || '' }, id);
				if (id === chain.serving) {
					pill.classList.add('serving');
				}
				row.append(pill);
			});
			const serving = element('span', { 'data-field': 'serving' }, chain.serving || 'none');
			const badge = (chain.serving === null) ? element('span', { class: 'badge none' }, 'no model available')
				: chain.fallback ? element('span', { class: 'badge fallback' }, 'fallback')
					: element('span', { class: 'badge primary' }, 'first choice');
			row.append(element('span', { class: 'serving-label muted' }, 'serving: '), serving, badge);
			return row;
		}));
	}

	// ---- models ----

	function renderModels(snapshotModels, now) {
		const container = document.getElementById('models');
		let created = false;
		snapshotModels.forEach((model) => {
			let view = models.get(model.id);
			if (!view) {
				view = createCard(model);
				models.set(model.id, view);
				container.append(view.card);
				created = true;
			}
			updateCard(view, model, now);
		});
		if (created && simulator) {
			refreshFaults().catch((error) => models.forEach((view) => chaosStatus(view, error.message, true)));
		}
	}

	function createCard(model) {
		const card = document.getElementById('model-template').content.firstElementChild.cloneNode(true);
		card.dataset.model = model.id;
		setText(card, 'id', model.id);
		setText(card, 'where', `${model.breaker.provider} · ${model.breaker.name}`);
		setText(card, 'simulatorName', `simulator model ${model.breaker.name}`);
		const form = card.querySelector('form.chaos');
		form.hidden = !simulator;
		const view = { card, form, name: model.breaker.name, burst: null };
		form.failureRate.addEventListener('input', () => showRate(form));
		form.addEventListener('submit', (event) => {
			event.preventDefault();
			apply(view);
		});
		form.querySelectorAll('[data-action="burst"]').forEach((button) => {
			button.addEventListener('click', () => burst(view, button.dataset.failure, button.textContent));
		});
		return view;
	}

	function updateCard(view, model, now) {
		const { card } = view;
		const { breaker, traffic } = model;
		if (card.dataset.state !== breaker.state) {
			card.dataset.state = breaker.state;
			field(card, 'state').dataset.state = breaker.state;
		}
		setText(card, 'state', breaker.state);
		setText(card, 'failureRate', percent(breaker.failureRate));
		setText(card, 'callsPerSecond', perSecond(traffic.callsPerSecond));
		setText(card, 'latencyP50', millis(traffic.latencyP50));
		setText(card, 'latencyP99', millis(traffic.latencyP99));
		setText(card, 'firstTokenP50', millis(traffic.firstTokenP50));
		setText(card, 'retries', String(traffic.retries));
		setText(card, 'notPermittedCalls', String(breaker.notPermittedCalls));
		setText(card, 'bufferedCalls', String(breaker.bufferedCalls));
		const lastError = field(card, 'lastError');
		if (breaker.lastError) {
			const ago = Math.max(0, Math.round((now - Date.parse(breaker.lastError.at)) / 1000));
			lastError.textContent = `last error: ${breaker.lastError.type}, ${ago} s ago`;
			lastError.classList.toggle('recent', ago * 1000 < RECENT_ERROR_MILLIS);
		}
		renderDeployments(field(card, 'deployments'), breaker.deployments || {});
	}

	/** A model served by several deployments lists each: its breaker, its load, its hold and its budget. */
	function renderDeployments(table, deployments) {
		const names = Object.keys(deployments);
		table.hidden = names.length < 2;
		if (table.hidden) {
			return;
		}
		table.tBodies[0].replaceChildren(...names.map((name) => {
			const deployment = deployments[name];
			const hold = isoMillis(deployment.hold);
			return element('tr', { 'data-deployment': name },
				element('td', { title: `${deployment.provider} · ${deployment.name}` }, name),
				element('td', {}, element('span', { class: 'state', 'data-state': deployment.state }, deployment.state)),
				element('td', {}, String(deployment.inFlight)),
				element('td', {}, deployment.latency ? millis(isoMillis(deployment.latency)) : '–'),
				element('td', {}, (hold > 0) ? millis(hold) : '–'),
				element('td', {}, `${Math.round(deployment.budgetLeft * 100)}%`));
		}));
	}

	// ---- chaos controls (the simulator's fault endpoints) ----

	function faultsUrl(name) {
		return `/simulator/faults/${encodeURIComponent(name)}`;
	}

	function showRate(form) {
		form.failureRateOut.value = `${form.failureRate.value}%`;
	}

	function fill(view, faults) {
		const { form } = view;
		form.failureRate.value = Math.round(faults['failure-rate'] * 100);
		form.failure.value = faults.failure;
		form.latency.value = isoMillis(faults.latency);
		showRate(form);
	}

	function chaosStatus(view, text, isError = false) {
		const status = field(view.card, 'chaosStatus');
		status.textContent = text;
		status.classList.toggle('error-text', isError);
	}

	async function refreshFaults() {
		const all = await call('GET', '/simulator/faults');
		models.forEach((view) => fill(view, all.models[view.name] || all.defaults));
	}

	/**
	 * Replace the model's faults with the form's failure rate, failure and latency. A PUT resets
	 * the fields it leaves out, so the fields the form does not show are sent back as they are.
	 */
	async function apply(view) {
		const { form } = view;
		try {
			endBurstTimer(view);
			const current = await call('GET', faultsUrl(view.name));
			const faults = {
				...current,
				'failure-rate': Number(form.failureRate.value) / 100,
				failure: form.failure.value,
				latency: `${Number(form.latency.value)}ms`,
			};
			fill(view, await call('PUT', faultsUrl(view.name), faults));
			chaosStatus(view, `applied: ${form.failureRate.value}% ${form.failure.value}, ${form.latency.value} ms`);
		}
		catch (error) {
			chaosStatus(view, error.message, true);
		}
	}

	/** Every call of the model fails with the given failure for a while, then the settings before come back. */
	async function burst(view, failure, label) {
		try {
			// A second burst during the first still restores what was there before the first.
			const before = view.burst ? view.burst.before : await call('GET', faultsUrl(view.name));
			endBurstTimer(view);
			fill(view, await call('PUT', faultsUrl(view.name), { ...before, 'failure-rate': 1, failure }));
			view.burst = { before, timer: setTimeout(() => endBurst(view), BURST_MILLIS) };
			chaosStatus(view, `${label}: every call fails with ${failure} for ${BURST_MILLIS / 1000} s`);
		}
		catch (error) {
			chaosStatus(view, error.message, true);
		}
	}

	async function endBurst(view) {
		const { before } = view.burst;
		view.burst = null;
		try {
			fill(view, await call('PUT', faultsUrl(view.name), before));
			chaosStatus(view, 'burst over, settings restored');
		}
		catch (error) {
			chaosStatus(view, error.message, true);
		}
	}

	function endBurstTimer(view) {
		if (view.burst) {
			clearTimeout(view.burst.timer);
			view.burst = null;
		}
	}

	async function recover() {
		models.forEach(endBurstTimer);
		try {
			await call('DELETE', '/simulator/faults');
			await refreshFaults();
			models.forEach((view) => chaosStatus(view, 'recovered: configured behaviour'));
		}
		catch (error) {
			models.forEach((view) => chaosStatus(view, error.message, true));
		}
	}

	// ---- chart ----

	function niceCeiling(value) {
		const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
		return [1, 2, 5, 10].map((step) => step * magnitude).find((nice) => nice >= value);
	}

	/** Requests per second as stacked areas, with a strip per model below showing its breaker's states. */
	function renderChart(history, modelIds) {
		const svg = document.getElementById('chart');
		const series = history.requests;
		const count = series.success.length;
		const width = svg.clientWidth || 900;
		const plot = { left: 80, right: 10, top: 8, height: 170 };
		const stripTop = plot.top + plot.height + 22;
		const rowHeight = 14;
		const height = stripTop + modelIds.length * rowHeight + 4;
		svg.style.height = `${height}px`;
		svg.setAttribute('viewBox', `0 0 ${width} ${height}`);

		const totals = series.success.map((value, i) => value + series.fallback[i] + series.error[i]);
		const top = niceCeiling(Math.max(1, ...totals));
		const plotWidth = width - plot.left - plot.right;
		const x = (i) => plot.left + (i / Math.max(1, count - 1)) * plotWidth;
		const y = (value) => plot.top + plot.height - (value / top) * plot.height;
		const children = [];

		[0, top / 2, top].forEach((value) => {
			children.push(svgElement('line', { class: 'grid', x1: plot.left, x2: width - plot.right, y1: y(value), y2: y(value) }));
			children.push(svgElement('text', { class: 'axis', x: plot.left - 6, y: y(value) + 4, 'text-anchor': 'end' },
				`${value}/s`));
		});
		[[0, '-3 min'], [count / 3, '-2 min'], [(2 * count) / 3, '-1 min'], [count - 1, 'now']].forEach(([i, label]) => {
			children.push(svgElement('text', { class: 'axis', x: x(i), y: plot.top + plot.height + 14,
				'text-anchor': (i === 0) ? 'start' : (i === count - 1) ? 'end' : 'middle' }, label));
		});

		let base = new Array(count).fill(0);
		OUTCOMES.forEach((outcome) => {
			const upper = base.map((value, i) => value + series[outcome][i]);
			const points = upper.map((value, i) => `${x(i)},${y(value)}`)
				.concat(base.map((value, i) => `${x(i)},${y(value)}`).reverse());
			children.push(svgElement('polygon', { class: outcome, points: points.join(' ') }));
			base = upper;
		});

		const from = series.from * 1000;
		const to = (series.from + count) * 1000;
		const time = (at) => plot.left + ((at - from) / (to - from)) * plotWidth;
		modelIds.forEach((id, row) => {
			const rowY = stripTop + row * rowHeight;
			children.push(svgElement('text', { class: 'axis', x: plot.left - 6, y: rowY + 9, 'text-anchor': 'end' }, id));
			const changes = history.breakers[id] || [];
			changes.forEach((change, i) => {
				const end = (i + 1 < changes.length) ? changes[i + 1].at : to;
				children.push(svgElement('rect', { x: time(change.at), y: rowY, height: 10,
					width: Math.max(1, time(end) - time(change.at)), 'data-state': change.state,
					style: 'fill: var(--state, var(--other))' }));
			});
		});
		svg.replaceChildren(...children);

		const legend = document.getElementById('legend');
		OUTCOMES.forEach((outcome) => {
			const recent = series[outcome].slice(-LEGEND_SECONDS);
			setText(legend, outcome, perSecond(recent.reduce((sum, value) => sum + value, 0) / LEGEND_SECONDS));
		});
	}

	// ---- queue and holds ----

	function renderQueue(queue) {
		const container = document.getElementById('queue');
		if (!queue) {
			container.replaceChildren(element('p', { class: 'muted' }, 'No queue: llm.resilience.queue.enabled is false.'));
			return;
		}
		const depth = element('div', { class: 'depth' });
		Object.entries(queue.depth).forEach(([priority, waiting]) => {
			const share = Math.min(100, (waiting / Math.max(1, queue.capacity)) * 100);
			depth.append(element('span', {}, priority.toLowerCase()),
				element('div', { class: 'bar' }, element('span', { style: `width: ${Math.max(waiting ? 2 : 0, share)}%` })),
				element('span', { 'data-field': `depth-${priority}` }, String(waiting)));
		});
		const numbers = element('dl', { class: 'numbers' });
		[['in flight', `${queue.inFlight} / ${queue.maxConcurrent}`], ['admitted', String(queue.admitted)],
			['refused', String(queue.refused)], ['average wait', millis(queue.averageWait)],
			['longest wait', millis(queue.maxWait)], ['capacity', String(queue.capacity)]].forEach(([label, value]) => {
			numbers.append(element('div', {}, element('dt', {}, label), element('dd', {}, value)));
		});
		container.replaceChildren(numbers, depth);
	}

	function renderHolds(holds) {
		const list = document.getElementById('holds');
		const entries = Object.entries(holds);
		list.replaceChildren(...(entries.length === 0) ? [element('li', { class: 'muted' }, 'none')]
			: entries.map(([provider, hold]) => element('li', { class: 'held' }, `${provider}: held ${millis(hold)}`)));
	}

	// ---- spend and budgets ----

	/** An amount of money, with as many decimals as a small amount needs. */
	function money(amount, currency) {
		const value = Number(amount);
		const text = (value === 0) ? '0' : (value >= 1) ? value.toFixed(2) : (value >= 0.01) ? value.toFixed(4)
			: String(Number(value.toPrecision(3)));
		return currency ? `${text} ${currency}` : text;
	}

	function untilReset(resetsAt, now) {
		const minutes = Math.max(0, Math.ceil((Date.parse(resetsAt) - now) / 60000));
		if (minutes < 60) {
			return `${minutes} min`;
		}
		const hours = Math.floor(minutes / 60);
		return (hours < 48) ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days`;
	}

	function describeScope(scope) {
		const parts = [];
		if (scope.chain) {
			parts.push(`chain ${scope.chain}`);
		}
		if (scope.model) {
			parts.push(`model ${scope.model}`);
		}
		Object.entries(scope.tags || {}).forEach(([tag, value]) => parts.push(`${tag}=${value}`));
		return (parts.length === 0) ? 'everything' : parts.join(', ');
	}

	function renderCost(cost, now) {
		const { currency } = cost;
		const bills = Object.entries(cost.models);
		const total = bills.reduce((sum, [, bill]) => sum + Number(bill.amount), 0);
		setText(document.querySelector('.spend-panel'), 'spend-total', money(total, currency));
		document.getElementById('model-spend').tBodies[0].replaceChildren(...bills.map(([model, bill]) =>
			element('tr', { 'data-model': model },
				element('td', {}, model),
				element('td', { 'data-field': 'spent' }, money(bill.amount, currency)),
				element('td', {}, String(bill.calls)),
				element('td', { class: (bill.unknownCalls > 0) ? 'error-text' : '' }, String(bill.unknownCalls)))));
		const budgets = Object.entries(cost.budgets);
		const container = document.getElementById('budgets');
		if (budgets.length === 0) {
			container.replaceChildren(element('p', { class: 'muted' }, 'none configured'));
			return;
		}
		container.replaceChildren(...budgets.map(([name, budget]) => {
			const share = Math.min(100, (Number(budget.spent) / Number(budget.limit)) * 100);
			const action = budget.action.toLowerCase();
			return element('div', { class: 'budget', 'data-budget': name },
				element('div', { class: 'budget-name' }, element('b', {}, name),
					element('span', { class: 'muted' }, ` ${describeScope(budget.scope)}, ${action} when passed`)),
				element('div', { class: 'bar', title: `${share.toFixed(1)}%` },
					element('span', { style: `width: ${Math.max(Number(budget.spent) > 0 ? 1 : 0, share)}%`,
						class: (share >= 100) ? 'passed' : (share >= 80) ? 'near' : '' })),
				element('span', { 'data-field': 'spent' },
					`${money(budget.spent)} of ${money(budget.limit, budget.currency)} a ${budget.period.toLowerCase()}`),
				element('span', { class: 'muted' }, `resets in ${untilReset(budget.resetsAt, now)}`),
				element('span', { class: `badge ${budget.shared ? 'primary' : 'local'}`,
					title: budget.shared ? 'kept in Redis with the other replicas' : 'kept by this replica' },
				budget.shared ? 'shared' : 'this replica'));
		}));
	}

	// ---- load generator ----

	function renderLoad(load, now) {
		if (!load) {
			// no load generator without the simulator
			return;
		}
		const panel = document.querySelector('.load-panel');
		const state = document.getElementById('load-state');
		state.dataset.running = String(load.running);
		if (!load.settings) {
			state.textContent = 'idle';
		}
		else {
			const { requestsPerSecond, seconds, stream } = load.settings;
			const kind = stream ? 'streamed' : 'whole answers';
			const left = Math.max(0, Math.ceil((Date.parse(load.startedAt) + seconds * 1000 - now) / 1000));
			state.textContent = load.running ? `running: ${requestsPerSecond}/s, ${kind}, ${left} s left`
				: `stopped (last run: ${requestsPerSecond}/s for ${seconds} s, ${kind})`;
		}
		['sent', 'answered', 'fallbacks', 'failed', 'dropped'].forEach((name) => {
			setText(panel, `load-${name}`, String(load[name]));
		});
	}

	async function startLoad(event) {
		event.preventDefault();
		const error = document.getElementById('load-error');
		try {
			await call('POST', '/api/load', {
				requestsPerSecond: Number(document.getElementById('load-rps').value),
				seconds: Number(document.getElementById('load-seconds').value),
				stream: document.getElementById('load-stream').checked,
			});
			error.hidden = true;
		}
		catch (failure) {
			error.textContent = failure.message;
			error.hidden = false;
		}
	}

	async function stopLoad() {
		await call('DELETE', '/api/load');
	}

	// ---- start ----

	async function detectSimulator() {
		try {
			await call('GET', '/simulator/faults');
			simulator = true;
		}
		catch (error) {
			simulator = false;
		}
		document.querySelectorAll('[data-simulator]').forEach((control) => {
			control.hidden = !simulator;
		});
	}

	async function start() {
		document.getElementById('load-form').addEventListener('submit', startLoad);
		document.getElementById('load-stop').addEventListener('click', stopLoad);
		document.getElementById('recover').addEventListener('click', recover);
		await detectSimulator();
		connect();
	}

	start();
})();
