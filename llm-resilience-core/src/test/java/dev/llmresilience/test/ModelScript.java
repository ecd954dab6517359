package dev.llmresilience.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import org.springframework.util.Assert;

/**
 * How a {@link FakeProviderServer} answers the requests for one model, or for every model
 * ({@link FakeProviderServer#defaults()}): what the answer says and how it is paced, and
 * which {@link FakeReply} each request gets. A model's script falls back to the defaults
 * for whatever it does not set. Safe to change while requests come in.
 * <p>
 * Each request takes the first reply of its model's queue ({@link #enqueue}), else of the
 * defaults' queue; else a fault, if one of the {@link #fault shares} is drawn; else the
 * standing {@link #reply}, a proper {@link FakeReply#answer() answer} unless set.
 */
public final class ModelScript {

	private static final String DEFAULT_TEXT = "Hello";

	private static final int DEFAULT_INPUT_TOKENS = 10;

	private final ModelScript defaults;

	private final Queue<FakeReply> queue = new ConcurrentLinkedQueue<>();

	private final List<Fault> faults = new CopyOnWriteArrayList<>();

	private volatile String text;

	private volatile Integer chunks;

	private volatile Function<ReceivedRequest, List<String>> pieces;

	private volatile Integer inputTokens;

	private volatile Duration latency;

	private volatile Duration chunkInterval;

	private volatile FakeReply reply;

	private volatile Split lastSplit;

	ModelScript(ModelScript defaults) {
		this.defaults = defaults;
	}

	/**
	 * Answer with this text, streamed in as many pieces as {@link #chunks(int)} says.
	 * @param text the text, {@code Hello} unless set
	 * @return this script
	 */
	public ModelScript text(String text) {
		Assert.notNull(text, "text must not be null");
		this.text = text;
		this.pieces = null;
		return this;
	}

	/**
	 * Stream the {@link #text(String) text} in this many pieces of about the same length
	 * (fewer if the text is shorter); a whole answer carries the pieces joined.
	 * @param chunks the number of pieces, 1 unless set
	 * @return this script
	 */
	public ModelScript chunks(int chunks) {
		Assert.isTrue(chunks > 0, "chunks must be positive");
		this.chunks = chunks;
		return this;
	}

	/**
	 * Answer with these pieces: a stream sends one text delta each, a whole answer their
	 * text joined.
	 * @param pieces the pieces
	 * @return this script
	 */
	public ModelScript pieces(String... pieces) {
		List<String> fixed = List.of(pieces);
		return pieces((request) -> fixed);
	}

	/**
	 * Answer each request with the pieces a function gives it, such as pieces that name
	 * the model and the request's {@link ReceivedRequest#tag() tag}.
	 * @param pieces gives the pieces of a request
	 * @return this script
	 */
	public ModelScript pieces(Function<ReceivedRequest, List<String>> pieces) {
		Assert.notNull(pieces, "pieces must not be null");
		this.pieces = pieces;
		this.text = null;
		return this;
	}

	/**
	 * Report this many input tokens in the usage; the output tokens are the pieces.
	 * @param inputTokens the input tokens, 10 unless set
	 * @return this script
	 */
	public ModelScript inputTokens(int inputTokens) {
		this.inputTokens = inputTokens;
		return this;
	}

	/**
	 * Wait this long before each answer (or fault), before even its status line is sent.
	 * @param latency the wait, none unless set
	 * @return this script
	 */
	public ModelScript latency(Duration latency) {
		Assert.notNull(latency, "latency must not be null");
		this.latency = latency;
		return this;
	}

	/**
	 * Pause this long between two text deltas of a stream; the events that open the
	 * stream and the first delta go at once.
	 * @param chunkInterval the pause, none unless set
	 * @return this script
	 */
	public ModelScript chunkInterval(Duration chunkInterval) {
		Assert.notNull(chunkInterval, "chunkInterval must not be null");
		this.chunkInterval = chunkInterval;
		return this;
	}

	/**
	 * Answer every request (whose reply no queue or fault decides) this way.
	 * @param reply the reply, a proper answer unless set
	 * @return this script
	 */
	public ModelScript reply(FakeReply reply) {
		Assert.notNull(reply, "reply must not be null");
		this.reply = reply;
		return this;
	}

	/**
	 * Answer the next requests with these replies, one each, in turn.
	 * @param replies the replies
	 * @return this script
	 */
	public ModelScript enqueue(FakeReply... replies) {
		Collections.addAll(this.queue, replies);
		return this;
	}

	/**
	 * Answer a share of the requests, drawn at random, with a fault. Several shares add
	 * up.
	 * @param share the share, from 0 to 1
	 * @param fault the reply those requests get, such as {@code FakeReply.error(529)}
	 * @return this script
	 */
	public ModelScript fault(double share, FakeReply fault) {
		Assert.isTrue(share >= 0 && share <= 1, "share must be from 0 to 1");
		Assert.notNull(fault, "fault must not be null");
		this.faults.add(new Fault(share, fault));
		return this;
	}

	/**
	 * Forget everything set on this script.
	 */
	public void reset() {
		this.queue.clear();
		this.faults.clear();
		this.text = null;
		this.chunks = null;
		this.pieces = null;
		this.inputTokens = null;
		this.latency = null;
		this.chunkInterval = null;
		this.reply = null;
	}

	/**
	 * Pick the reply to a request, taking it off a queue if it comes from one.
	 */
	FakeReply nextReply() {
		FakeReply queued = this.queue.poll();
		if (queued == null && this.defaults != null) {
			queued = this.defaults.queue.poll();
		}
		if (queued != null) {
			return queued;
		}
		List<Fault> faults = (this.faults.isEmpty() && this.defaults != null) ? this.defaults.faults : this.faults;
		if (!faults.isEmpty()) {
			double dice = ThreadLocalRandom.current().nextDouble();
			for (Fault fault : faults) {
				dice -= fault.share();
				if (dice < 0) {
					return fault.reply();
				}
			}
		}
		FakeReply reply = inherited(this.reply, (script) -> script.reply);
		return (reply != null) ? reply : FakeReply.answer();
	}

	/**
	 * Return the pieces of the answer to a request.
	 */
	List<String> piecesFor(ReceivedRequest request) {
		Function<ReceivedRequest, List<String>> pieces = this.pieces;
		String text = this.text;
		if (pieces == null && text == null && this.defaults != null) {
			pieces = this.defaults.pieces;
			text = this.defaults.text;
		}
		if (pieces != null) {
			return pieces.apply(request);
		}
		String whole = (text != null) ? text : DEFAULT_TEXT;
		int chunks = chunks();
		Split last = this.lastSplit;
		if (last == null || !last.text().equals(whole) || last.chunks() != chunks) {
			// split once for the many requests that get the same text
			last = new Split(whole, chunks, split(whole, chunks));
			this.lastSplit = last;
		}
		return last.pieces();
	}

	private int chunks() {
		Integer chunks = inherited(this.chunks, (script) -> script.chunks);
		return (chunks != null) ? chunks : 1;
	}

	int inputTokens() {
		Integer inputTokens = inherited(this.inputTokens, (script) -> script.inputTokens);
		return (inputTokens != null) ? inputTokens : DEFAULT_INPUT_TOKENS;
	}

	Duration latency() {
		Duration latency = inherited(this.latency, (script) -> script.latency);
		return (latency != null) ? latency : Duration.ZERO;
	}

	Duration chunkInterval() {
		Duration interval = inherited(this.chunkInterval, (script) -> script.chunkInterval);
		return (interval != null) ? interval : Duration.ZERO;
	}

	private <T> T inherited(T own, Function<ModelScript, T> ofDefaults) {
		return (own != null || this.defaults == null) ? own : ofDefaults.apply(this.defaults);
	}

	/**
	 * Split a text into pieces of about the same length, never inside a surrogate pair.
	 */
	static List<String> split(String text, int count) {
		int[] codePoints = text.codePoints().toArray();
		int pieces = Math.max(1, Math.min(count, codePoints.length));
		List<String> split = new ArrayList<>(pieces);
		for (int i = 0; i < pieces; i++) {
			int from = (int) ((long) codePoints.length * i / pieces);
			int to = (int) ((long) codePoints.length * (i + 1) / pieces);
			split.add(new String(codePoints, from, to - from));
		}
		return List.copyOf(split);
	}

	/**
	 * A text split into pieces.
	 */
	private record Split(String text, int chunks, List<String> pieces) {

	}

	/**
	 * A share of the requests and the fault they get.
	 */
	private record Fault(double share, FakeReply reply) {

	}

}
