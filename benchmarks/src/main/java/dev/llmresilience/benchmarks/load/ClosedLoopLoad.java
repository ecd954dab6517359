package dev.llmresilience.benchmarks.load;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.HdrHistogram.Recorder;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A closed-loop load: a fixed number of callers, each starting its next request as soon
 * as its previous one ended, until a time is up. Reactive requests need no thread per
 * caller: the next request starts from the completion of the previous one. Blocking
 * requests get a pooled thread per caller, kept across runs so that their allocation
 * counters survive.
 */
public final class ClosedLoopLoad {

	private static final int SIGNIFICANT_DIGITS = 3;

	private final ExecutorService blockingCallers = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "blocking-caller");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * Run a load and wait until every request it started has ended.
	 * @param requests starts one request
	 * @param blocking whether a request blocks the thread that subscribes to it
	 * @param concurrency the number of callers
	 * @param duration how long callers start new requests
	 * @return what the load achieved
	 */
	public LoadResult run(Supplier<? extends Publisher<?>> requests, boolean blocking, int concurrency,
			Duration duration) {
		Run run = new Run(requests, concurrency, System.nanoTime() + duration.toNanos());
		long start = System.nanoTime();
		for (int i = 0; i < concurrency; i++) {
			if (blocking) {
				this.blockingCallers.execute(run::callBlocking);
			}
			else {
				run.startNext();
			}
		}
		try {
			run.callersDone.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		long elapsed = System.nanoTime() - start;
		return new LoadResult(run.completed.sum(), run.failed.sum(), elapsed, run.latency.getIntervalHistogram(),
				run.firstElement.getIntervalHistogram(), run.firstError.get());
	}

	/**
	 * The state of one load.
	 */
	private static final class Run {

		private final Supplier<? extends Publisher<?>> requests;

		private final long deadline;

		private final Recorder latency = new Recorder(SIGNIFICANT_DIGITS);

		private final Recorder firstElement = new Recorder(SIGNIFICANT_DIGITS);

		private final LongAdder completed = new LongAdder();

		private final LongAdder failed = new LongAdder();

		private final AtomicReference<Throwable> firstError = new AtomicReference<>();

		private final CountDownLatch callersDone;

		Run(Supplier<? extends Publisher<?>> requests, int concurrency, long deadline) {
			this.requests = requests;
			this.deadline = deadline;
			this.callersDone = new CountDownLatch(concurrency);
		}

		void startNext() {
			long start = System.nanoTime();
			if (start >= this.deadline) {
				this.callersDone.countDown();
				return;
			}
			this.requests.get().subscribe(new Request(this, start));
		}

		void callBlocking() {
			long start;
			while ((start = System.nanoTime()) < this.deadline) {
				try {
					Flux.from(this.requests.get()).blockLast();
					// a blocking call gives its only element at its end
					this.firstElement.recordValue(System.nanoTime() - start);
					completed(start);
				}
				catch (RuntimeException ex) {
					failed(ex);
				}
			}
			this.callersDone.countDown();
		}

		void completed(long start) {
			this.latency.recordValue(System.nanoTime() - start);
			this.completed.increment();
		}

		void failed(Throwable error) {
			this.failed.increment();
			this.firstError.compareAndSet(null, error);
		}

	}

	/**
	 * One reactive request; when it ends, its caller starts the next.
	 */
	private static final class Request implements CoreSubscriber<Object> {

		private final Run run;

		private final long start;

		private boolean sawElement;

		Request(Run run, long start) {
			this.run = run;
			this.start = start;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Object element) {
			if (!this.sawElement) {
				this.sawElement = true;
				this.run.firstElement.recordValue(System.nanoTime() - this.start);
			}
		}

		@Override
		public void onError(Throwable error) {
			this.run.failed(error);
			// an error may come synchronously: start the next request off this stack
			Schedulers.parallel().schedule(this.run::startNext);
		}

		@Override
		public void onComplete() {
			this.run.completed(this.start);
			this.run.startNext();
		}

	}

}
