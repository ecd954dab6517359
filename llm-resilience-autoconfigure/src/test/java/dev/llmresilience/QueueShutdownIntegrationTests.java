package dev.llmresilience;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.autoconfigure.LlmResilienceAutoConfiguration;
import dev.llmresilience.error.LlmShutdownException;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that closing an application context ends every request of the auto-configured
 * {@link LlmTemplate} exactly once: those waiting in the queue at once, those in flight
 * with their answer if it comes within {@code llm.resilience.queue.shutdown-grace},
 * otherwise with an {@link LlmShutdownException}. Calls a server over real HTTP.
 */
class QueueShutdownIntegrationTests {

	private static final Duration GRACE = Duration.ofMillis(1500);

	private final FakeProviderServer server = FakeProviderServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(SpringBootTestSupport.webClient())
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.local.type=anthropic",
				"llm.resilience.providers.local.base-url=" + this.server.baseUrl(),
				"llm.resilience.providers.local.api-key=test-key", "llm.resilience.models.haiku.provider=local",
				"llm.resilience.chains.default[0]=haiku", "llm.resilience.retry.max-attempts=1",
				"llm.resilience.queue.max-concurrent=2",
				"llm.resilience.queue.shutdown-grace=" + GRACE.toMillis() + "ms",
				// no quiet period of the HTTP client's event loops in the time of
				// closing, which is the grace's to take
				"spring.reactor.netty.shutdown-quiet-period=0s");

	@BeforeEach
	void answerAfterTenMillisecondsHoldingOrHangingWhenAsked() {
		this.server.defaults().latency(Duration.ofMillis(10));
		this.server.respondWith((request) -> request.bodyText().contains("hang") ? FakeReply.hang()
				: request.bodyText().contains("hold") ? FakeReply.answer().held() : null);
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void closingTheContextEndsEveryRequestExactlyOnce() {
		this.contextRunner.run((context) -> {
			LlmTemplate template = context.getBean(LlmTemplate.class);
			RequestQueue queue = context.getBean(RequestQueue.class);
			Caller answered = Caller.call(template, "hold: answered within the grace");
			Caller cutOff = Caller.call(template, "hang until cut off");
			this.server.requests().awaitCount(2, Duration.ofSeconds(5));
			List<Caller> waiting = List.of(Caller.call(template, "waiting 1"), Caller.call(template, "waiting 2"),
					Caller.call(template, "waiting 3"));
			assertThat(queue.snapshot().waiting()).isEqualTo(3);
			// the held request is answered once the shutdown has begun, well within the
			// grace
			Flux.interval(Duration.ofMillis(5))
				.filter((tick) -> queue.snapshot().closed())
				.next()
				.subscribe((tick) -> this.server.releaseHeld());
			long start = System.nanoTime();
			context.close();
			Duration closing = Duration.ofNanos(System.nanoTime() - start);
			assertThat(closing).as("closing waits for the grace at most")
				.isGreaterThanOrEqualTo(GRACE)
				.isLessThan(GRACE.plusSeconds(3));
			List<Caller> all = List.of(answered, cutOff, waiting.get(0), waiting.get(1), waiting.get(2));
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> all.stream().allMatch(Caller::ended));
			assertThat(answered.response).isNotNull();
			assertThat(answered.error).isNull();
			assertThat(cutOff.error).isInstanceOf(LlmShutdownException.class);
			assertThat(waiting)
				.allSatisfy((caller) -> assertThat(caller.error).isInstanceOf(LlmShutdownException.class));
			assertThat(all).allSatisfy((caller) -> assertThat(caller.signals).hasValue(1));
			assertThat(this.server.requests().count()).as("waiting requests were never sent").isEqualTo(2);
			Caller late = Caller.call(template, "after the shutdown");
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(late::ended);
			assertThat(late.error).isInstanceOf(LlmShutdownException.class);
			assertThat(queue.snapshot().closed()).isTrue();
			assertThat(queue.snapshot().inFlight()).isZero();
		});
	}

	/**
	 * A caller of one request, counting every terminal signal it gets; unlike Reactor's
	 * own subscribers it does not drop a second one.
	 */
	private static final class Caller implements CoreSubscriber<LlmResponse> {

		private final AtomicInteger signals = new AtomicInteger();

		private volatile LlmResponse response;

		private volatile Throwable error;

		static Caller call(LlmTemplate template, String prompt) {
			Caller caller = new Caller();
			template.call(prompt).subscribe(caller);
			return caller;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(LlmResponse value) {
			this.response = value;
		}

		@Override
		public void onComplete() {
			this.signals.incrementAndGet();
		}

		@Override
		public void onError(Throwable throwable) {
			this.error = throwable;
			this.signals.incrementAndGet();
		}

		boolean ended() {
			return this.signals.get() > 0;
		}

	}

}
