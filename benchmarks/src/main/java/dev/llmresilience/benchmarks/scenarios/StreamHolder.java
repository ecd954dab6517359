package dev.llmresilience.benchmarks.scenarios;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.llmresilience.benchmarks.clients.LlmClientUnderTest;
import dev.llmresilience.benchmarks.report.Report;
import dev.llmresilience.benchmarks.stub.StubProcess;
import io.netty.buffer.PooledByteBufAllocator;
import org.HdrHistogram.Recorder;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * Opens many streams with one client, ramped over a few seconds so that the stub's accept
 * queue keeps up, waits until every stream delivered its first text, measures heap and
 * threads while all are open, and waits for them to end.
 */
final class StreamHolder {

	private static final Duration TICK = Duration.ofMillis(10);

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final StubProcess stub;

	private final int streams;

	private final Duration ramp;

	private final Duration streamLength;

	StreamHolder(StubProcess stub, int streams, Duration ramp, Duration streamLength) {
		this.stub = stub;
		this.streams = streams;
		this.ramp = ramp;
		this.streamLength = streamLength;
	}

	HeldStreams hold(LlmClientUnderTest client) {
		long heapBefore = heapUsedAfterGc();
		int threadsBefore = this.threads.getThreadCount();
		this.threads.resetPeakThreadCount();
		this.stub.resetTraffic();
		Run run = new Run(this.streams);
		long ticks = Math.max(1, this.ramp.toMillis() / TICK.toMillis());
		int perTick = (int) Math.ceil((double) this.streams / ticks);
		AtomicInteger started = new AtomicInteger();
		Flux.interval(TICK).takeWhile((tick) -> started.get() < this.streams).subscribe((tick) -> {
			for (int i = 0; i < perTick && started.getAndIncrement() < this.streams; i++) {
				client.stream().subscribe(new HeldStream(run, System.nanoTime()));
			}
		});
		Report.progress(client.name() + ": opening " + this.streams + " streams");
		await(run.firstTextsOrFailures, this.ramp.plus(Duration.ofSeconds(60)));
		Report.progress(client.name() + ": " + run.firstTexts.get() + " streams delivered their first text, "
				+ run.failed.get() + " failed; measuring");
		long heapHeld = heapUsedAfterGc();
		long directHeld = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
		int threadsHeld = this.threads.getThreadCount();
		int openAtStub = this.stub.traffic().inFlight();
		await(run.ended, this.streamLength.plus(Duration.ofSeconds(60)));
		return new HeldStreams(client.name(), Math.min(started.get(), this.streams), run.firstTexts.get(),
				run.completed.get(), run.failed.get(), run.timeToFirstText.getIntervalHistogram(), heapBefore, heapHeld,
				directHeld, threadsBefore, threadsHeld, this.threads.getPeakThreadCount(), openAtStub,
				run.firstError.get());
	}

	private long heapUsedAfterGc() {
		System.gc();
		System.gc();
		return this.memory.getHeapMemoryUsage().getUsed();
	}

	private static void await(CountDownLatch latch, Duration timeout) {
		try {
			if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				Report.progress("gave up waiting after " + timeout.toSeconds() + " s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The counters of one run.
	 */
	private static final class Run {

		private final Recorder timeToFirstText = new Recorder(3);

		private final AtomicInteger firstTexts = new AtomicInteger();

		private final AtomicInteger completed = new AtomicInteger();

		private final AtomicInteger failed = new AtomicInteger();

		private final AtomicReference<Throwable> firstError = new AtomicReference<>();

		private final CountDownLatch firstTextsOrFailures;

		private final CountDownLatch ended;

		Run(int streams) {
			this.firstTextsOrFailures = new CountDownLatch(streams);
			this.ended = new CountDownLatch(streams);
		}

	}

	/**
	 * One stream: times its first text, counts its end.
	 */
	private static final class HeldStream implements CoreSubscriber<String> {

		private final Run run;

		private final long start;

		private boolean sawText;

		HeldStream(Run run, long start) {
			this.run = run;
			this.start = start;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(String text) {
			if (!this.sawText) {
				this.sawText = true;
				this.run.timeToFirstText.recordValue(System.nanoTime() - this.start);
				this.run.firstTexts.incrementAndGet();
				this.run.firstTextsOrFailures.countDown();
			}
		}

		@Override
		public void onError(Throwable error) {
			this.run.failed.incrementAndGet();
			this.run.firstError.compareAndSet(null, error);
			if (!this.sawText) {
				this.run.firstTextsOrFailures.countDown();
			}
			this.run.ended.countDown();
		}

		@Override
		public void onComplete() {
			this.run.completed.incrementAndGet();
			this.run.ended.countDown();
		}

	}

}
