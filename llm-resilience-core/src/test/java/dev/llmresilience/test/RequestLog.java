package dev.llmresilience.test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * What a {@link FakeProviderServer} received, counted on the server side: every request
 * (the last {@link #keepLast(int) few thousand} kept whole, credentials redacted), the
 * requests by model, by status and by tag, the requests in flight and the most there ever
 * were at once, and the open connections.
 * <p>
 * A request is in flight from the moment its body is read until the last bytes of its
 * answer are handed to the connection, or its connection closes: counted out
 * <em>before</em> the end of the answer is written, so that a client that sends its next
 * request when one ends never finds the server still counting the old one.
 */
public final class RequestLog {

	private static final int DEFAULT_KEPT = 10_000;

	private final Deque<ReceivedRequest> kept = new ArrayDeque<>();

	private int keep = DEFAULT_KEPT;

	private final AtomicLong sequence = new AtomicLong();

	private int received;

	private final Map<String, AtomicInteger> byModel = new ConcurrentHashMap<>();

	private final Map<String, Map<Integer, LongAdder>> byModelAndStatus = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> byTag = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final AtomicInteger openConnections = new AtomicInteger();

	private final AtomicInteger connectionsOpened = new AtomicInteger();

	RequestLog() {
	}

	/**
	 * Read and log a request that has just arrived, and count it in flight.
	 */
	ReceivedRequest received(String method, String uri, HttpHeaders headers, byte[] body) {
		ReceivedRequest request = ReceivedRequest.read(this.sequence.incrementAndGet(), System.nanoTime(), method, uri,
				headers, body, this::nextAttempt);
		this.byModel.computeIfAbsent(request.model(), (model) -> new AtomicInteger()).incrementAndGet();
		if (request.tag() != null) {
			this.byTag.computeIfAbsent(request.tag(), (tag) -> new AtomicInteger()).incrementAndGet();
		}
		this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
		synchronized (this) {
			this.received++;
			if (this.keep > 0) {
				if (this.kept.size() == this.keep) {
					this.kept.removeFirst();
				}
				this.kept.addLast(request);
			}
			notifyAll();
		}
		return request;
	}

	private int nextAttempt(String tag, String model) {
		return this.attempts.computeIfAbsent(tag + "|" + model, (key) -> new AtomicInteger()).incrementAndGet();
	}

	/**
	 * Count the status a request is answered with.
	 */
	void answered(ReceivedRequest request, int status) {
		this.byModelAndStatus.computeIfAbsent(request.model(), (model) -> new ConcurrentHashMap<>())
			.computeIfAbsent(status, (key) -> new LongAdder())
			.increment();
	}

	void ended() {
		this.inFlight.decrementAndGet();
	}

	void connectionOpened() {
		this.connectionsOpened.incrementAndGet();
		this.openConnections.incrementAndGet();
	}

	void connectionClosed() {
		this.openConnections.decrementAndGet();
	}

	/**
	 * Keep only the last requests whole; they are counted all the same. A fake under load
	 * (a benchmark's) keeps none.
	 * @param count how many to keep, 10,000 unless changed
	 */
	public synchronized void keepLast(int count) {
		this.keep = Math.max(0, count);
		while (this.kept.size() > this.keep) {
			this.kept.removeFirst();
		}
	}

	/**
	 * Return the requests kept, in the order they arrived.
	 * @return a copy of the list
	 */
	public synchronized List<ReceivedRequest> all() {
		return new ArrayList<>(this.kept);
	}

	/**
	 * Return the requests kept that asked for a model, in the order they arrived.
	 * @param model the model name of the body
	 * @return a copy of the list
	 */
	public synchronized List<ReceivedRequest> forModel(String model) {
		return this.kept.stream().filter((request) -> request.model().equals(model)).toList();
	}

	/**
	 * Return the last request received.
	 * @return the request
	 * @throws IllegalStateException if none was received or kept
	 */
	public synchronized ReceivedRequest last() {
		if (this.kept.isEmpty()) {
			throw new IllegalStateException("No request was received (or kept)");
		}
		return this.kept.getLast();
	}

	/**
	 * Return how many requests were received.
	 * @return the count
	 */
	public synchronized int count() {
		return this.received;
	}

	/**
	 * Return how many requests asked for a model.
	 * @param model the model name of the body
	 * @return the count
	 */
	public int count(String model) {
		AtomicInteger count = this.byModel.get(model);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Return how many requests for a model were answered with a status.
	 * @param model the model name of the body
	 * @param status the HTTP status, {@code 0} for a reset connection or no answer at all
	 * @return the count
	 */
	public int count(String model, int status) {
		LongAdder count = this.byModelAndStatus.getOrDefault(model, Map.of()).get(status);
		return (count != null) ? count.intValue() : 0;
	}

	/**
	 * Return the requests received for each model, by the {@code model} field of the
	 * body.
	 * @return the counts by model name, sorted
	 */
	public Map<String, Integer> countByModel() {
		return counts(this.byModel);
	}

	/**
	 * Return the answers to each model's requests by status; {@code 0} stands for a reset
	 * connection or no answer at all.
	 * @return the counts by model name, then by status, sorted
	 */
	public Map<String, Map<Integer, Integer>> countByModelAndStatus() {
		Map<String, Map<Integer, Integer>> counts = new TreeMap<>();
		this.byModelAndStatus.forEach((model, byStatus) -> {
			Map<Integer, Integer> statuses = new TreeMap<>();
			byStatus.forEach((status, count) -> statuses.put(status, count.intValue()));
			counts.put(model, statuses);
		});
		return counts;
	}

	/**
	 * Return the requests received for each logical request, by
	 * {@link ReceivedRequest#tag()}.
	 * @return the counts by tag, sorted
	 */
	public Map<String, Integer> countByTag() {
		return counts(this.byTag);
	}

	private static Map<String, Integer> counts(Map<String, AtomicInteger> counters) {
		Map<String, Integer> counts = new TreeMap<>();
		counters.forEach((key, count) -> counts.put(key, count.get()));
		return counts;
	}

	/**
	 * Return the requests in flight now.
	 * @return the count
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Return the most requests that were ever in flight at once.
	 * @return the count
	 */
	public int maxInFlight() {
		return this.maxInFlight.get();
	}

	/**
	 * Return the client connections open now.
	 * @return the count
	 */
	public int openConnections() {
		return this.openConnections.get();
	}

	/**
	 * Return the client connections opened since the start, closed or not.
	 * @return the count
	 */
	public int connectionsOpened() {
		return this.connectionsOpened.get();
	}

	/**
	 * Wait until the server has received a number of requests.
	 * @param count the number of requests, counted since the start or the last
	 * {@link #clear()}
	 * @param timeout the longest wait
	 * @return the requests kept by then
	 * @throws AssertionError if fewer came within the timeout
	 */
	public synchronized List<ReceivedRequest> awaitCount(int count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (this.received < count) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError(
							"Expected " + count + " requests within " + timeout + ", received " + this.received);
				}
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for requests", ex);
		}
		return all();
	}

	/**
	 * Return the most requests that arrived within any window of the given length, among
	 * those kept.
	 * @param window the length of the window
	 * @return the count
	 */
	public int mostArrivalsWithin(Duration window) {
		List<ReceivedRequest> requests = all();
		requests.sort(Comparator.comparingLong(ReceivedRequest::receivedAt));
		int most = 0;
		int start = 0;
		for (int end = 0; end < requests.size(); end++) {
			while (requests.get(end).receivedAt() - requests.get(start).receivedAt() >= window.toNanos()) {
				start++;
			}
			most = Math.max(most, end - start + 1);
		}
		return most;
	}

	/**
	 * Forget the requests received so far and their counts; the most in flight at once
	 * starts again from those in flight now.
	 */
	public void clear() {
		synchronized (this) {
			this.kept.clear();
			this.received = 0;
			this.sequence.set(0);
		}
		this.byModel.clear();
		this.byModelAndStatus.clear();
		this.byTag.clear();
		this.attempts.clear();
		this.maxInFlight.set(this.inFlight.get());
	}

	@Override
	public String toString() {
		return "RequestLog{received=" + count() + ", byModel=" + countByModel() + ", inFlight=" + inFlight()
				+ ", maxInFlight=" + maxInFlight() + ", openConnections=" + openConnections() + "}";
	}

}
