package dev.llmresilience.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import dev.llmresilience.test.ReceivedRequest;

/**
 * Decides, per model, how a {@link FakeProviderServer} answers each request of the
 * Messages API: properly, or with one of the {@link Fault}s, at random. The dice of a
 * request are seeded from the run's seed, the logical request's tag, the model and the
 * attempt number, so a run replays the same faults for the same requests however the
 * requests interleave. The answer's text is a function of the model and the tag
 * ({@link #scriptAnswers}), so a test can tell exactly what each model sent.
 */
final class FaultPlan implements Function<ReceivedRequest, FakeReply> {

	/**
	 * Time between two text deltas of a stream, so that streams overlap like real ones.
	 */
	static final Duration EVENT_INTERVAL = Duration.ofMillis(3);

	private static final List<Fault> FAULTS = Arrays.stream(Fault.values())
		.filter((fault) -> fault != Fault.NONE)
		.toList();

	private final long seed;

	private final FaultRate faultRate;

	private final Duration firstByteTimeout;

	private final Random untagged;

	private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);

	private final Map<String, Map<Fault, AtomicInteger>> injectedByModel = new ConcurrentHashMap<>();

	private final Map<String, List<String>> history = new ConcurrentHashMap<>();

	/**
	 * Create a new plan.
	 * @param seed the seed of the run
	 * @param faultRate the share of requests that get a fault, by model and request
	 * number
	 * @param firstByteTimeout the client's first-byte timeout: slow answers wait from a
	 * fifth to one and a half times as long
	 */
	FaultPlan(long seed, FaultRate faultRate, Duration firstByteTimeout) {
		this.seed = seed;
		this.faultRate = faultRate;
		this.firstByteTimeout = firstByteTimeout;
		this.untagged = new Random(seed);
		for (Fault fault : Fault.values()) {
			this.injected.put(fault, new AtomicInteger());
		}
	}

	@Override
	public FakeReply apply(ReceivedRequest request) {
		Random random = dice(request);
		double rate = this.faultRate.rate(request.model(), number(request.tag()));
		Fault fault = Fault.NONE;
		if (random.nextDouble() < rate) {
			List<Fault> applicable = FAULTS.stream()
				.filter((candidate) -> candidate.appliesTo(request.stream()))
				.toList();
			fault = applicable.get(random.nextInt(applicable.size()));
		}
		this.injected.get(fault).incrementAndGet();
		this.injectedByModel.computeIfAbsent(request.model(), (model) -> new ConcurrentHashMap<>())
			.computeIfAbsent(fault, (key) -> new AtomicInteger())
			.incrementAndGet();
		if (request.tag() != null) {
			this.history.computeIfAbsent(request.tag(), (tag) -> new CopyOnWriteArrayList<>())
				.add(request.model() + "#" + request.attempt() + (request.stream() ? " stream " : " call ") + fault);
		}
		return reply(fault, request, random);
	}

	private Random dice(ReceivedRequest request) {
		if (request.tag() == null) {
			synchronized (this.untagged) {
				return new Random(this.untagged.nextLong());
			}
		}
		long mixed = mix(this.seed ^ request.tag().hashCode());
		mixed = mix(mixed ^ request.model().hashCode());
		mixed = mix(mixed ^ request.attempt());
		return new Random(mixed);
	}

	/**
	 * Scramble a seed: the first draws of {@link Random}s whose seeds differ only a
	 * little are alike, which would make the dice of one request the same for every
	 * model.
	 */
	private static long mix(long value) {
		long mixed = (value ^ (value >>> 33)) * 0xff51afd7ed558ccdL;
		mixed = (mixed ^ (mixed >>> 33)) * 0xc4ceb9fe1a85ec53L;
		return mixed ^ (mixed >>> 33);
	}

	private FakeReply reply(Fault fault, ReceivedRequest request, Random random) {
		int pieces = pieces(request.model(), request.tag()).size();
		return switch (fault) {
			case NONE -> FakeReply.answer();
			case RATE_LIMITED_WITH_RETRY_AFTER -> {
				FakeReply rateLimited = FakeReply.error(429, "rate_limit_error",
						"Number of requests has exceeded your rate limit");
				yield random.nextBoolean() ? rateLimited.retryAfterMs(5 + random.nextInt(30))
						: rateLimited.header("retry-after", "0");
			}
			case RATE_LIMITED_WITHOUT_RETRY_AFTER ->
				FakeReply.error(429, "rate_limit_error", "Number of requests has exceeded your rate limit");
			case SERVER_ERROR -> FakeReply.error(500, "api_error", "Internal server error");
			case OVERLOADED -> FakeReply.error(529, "overloaded_error", "Overloaded");
			case CONNECTION_RESET -> FakeReply.reset();
			case SLOW_FIRST_BYTE -> FakeReply.answer()
				.after(Duration
					.ofMillis((long) (this.firstByteTimeout.toMillis() * (0.2 + 1.3 * random.nextDouble()))));
			case MID_STREAM_ERROR -> FakeReply.streamError(random.nextInt(pieces), "overloaded_error", "Overloaded");
			case STALLED_STREAM -> FakeReply.stalledStream(random.nextInt(pieces));
			case CUT_OFF_BODY -> request.stream() ? FakeReply.cutOffStream(random.nextInt(pieces))
					: FakeReply.cutOffBody(random.nextDouble());
			case ERROR_BODY_200 -> random.nextBoolean() ? FakeReply.okWithErrorBody("overloaded_error", "Overloaded")
					: FakeReply.okWithErrorBody("api_error", "Internal");
		};
	}

	/**
	 * Script a fake to answer with the {@link #pieces pieces} of each model and logical
	 * request, a stream's deltas {@link #EVENT_INTERVAL} apart.
	 * @param server the fake
	 */
	static void scriptAnswers(FakeProviderServer server) {
		server.defaults().pieces((request) -> pieces(request.model(), request.tag())).chunkInterval(EVENT_INTERVAL);
	}

	/**
	 * Return the text pieces a model sends for a logical request: from two to seven, each
	 * naming the model, the request and its place, so that a repeated or missing piece
	 * shows.
	 * @param model the model name
	 * @param tag the logical request's tag, or {@code null}
	 * @return the pieces
	 */
	static List<String> pieces(String model, String tag) {
		int count = 2 + Math.floorMod((model + "|" + tag).hashCode(), 6);
		List<String> pieces = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			pieces.add("[" + model + " " + tag + " #" + i + "] ");
		}
		return pieces;
	}

	/**
	 * Return the whole text a model sends for a logical request.
	 * @param model the model name
	 * @param tag the logical request's tag
	 * @return the text
	 */
	static String text(String model, String tag) {
		return String.join("", pieces(model, tag));
	}

	private static int number(String tag) {
		if (tag == null) {
			return -1;
		}
		int dash = tag.lastIndexOf('-');
		try {
			return Integer.parseInt(tag.substring(dash + 1));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * Return what the server answered to the upstream requests of one logical request.
	 * @param tag the logical request's tag
	 * @return each upstream request's model, attempt number and fault, in order
	 */
	List<String> history(String tag) {
		return this.history.getOrDefault(tag, List.of());
	}

	/**
	 * Return the faults injected so far, of every type.
	 * @return the counts by fault, {@link Fault#NONE} for proper answers
	 */
	Map<Fault, Integer> injected() {
		Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
		this.injected.forEach((fault, count) -> counts.put(fault, count.get()));
		return counts;
	}

	/**
	 * Return the faults injected so far for one model, of every type.
	 * @param model the model name
	 * @return the counts by fault, {@link Fault#NONE} for proper answers
	 */
	Map<Fault, Integer> injected(String model) {
		Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
		this.injectedByModel.getOrDefault(model, Map.of()).forEach((fault, count) -> counts.put(fault, count.get()));
		return counts;
	}

	/**
	 * Return the faults injected so far for one model, {@link Fault#NONE} excluded.
	 * @param model the model name
	 * @return the number of faults
	 */
	int faultsInjected(String model) {
		Map<Fault, AtomicInteger> counts = this.injectedByModel.getOrDefault(model, Map.of());
		return counts.entrySet()
			.stream()
			.filter((entry) -> entry.getKey() != Fault.NONE)
			.mapToInt((entry) -> entry.getValue().get())
			.sum();
	}

	/**
	 * The share of requests that get a fault.
	 */
	@FunctionalInterface
	interface FaultRate {

		/**
		 * Return the share, from 0 to 1.
		 * @param model the model name
		 * @param requestNumber the number in the logical request's tag, {@code -1} if
		 * none
		 * @return the share
		 */
		double rate(String model, int requestNumber);

	}

}
