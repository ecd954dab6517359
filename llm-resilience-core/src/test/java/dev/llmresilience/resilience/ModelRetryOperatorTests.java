package dev.llmresilience.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.LlmRequest;
import dev.llmresilience.budget.CostAccounting;
import dev.llmresilience.deadline.Deadline;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ModelRetryOperator} on its own, on virtual time: three attempts, 500ms
 * apart, for any error.
 */
class ModelRetryOperatorTests {

	private final Retry retry = Retry.of("model",
			RetryConfig.custom()
				.maxAttempts(3)
				.waitDuration(Duration.ofMillis(500))
				.failAfterMaxAttempts(false)
				.build());

	private final CallContext context = new CallContext(Deadline.none(),
			CostAccounting.NONE.forRequest(null, LlmRequest.ofPrompt("Hi")));

	private final AtomicInteger subscriptions = new AtomicInteger();

	@Test
	void subscribesAgainAfterEachWaitUntilAnAttemptSucceeds() {
		Flux<String> attempt = attempts(Flux.error(ProviderErrors.overloaded()),
				Flux.error(ProviderErrors.overloaded()), Flux.just("answer"));
		StepVerifier
			.withVirtualTime(() -> attempt.transform(ModelRetryOperator.of(this.retry, this.context, () -> false)))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(499))
			.then(() -> assertThat(this.subscriptions).hasValue(1))
			.thenAwait(Duration.ofMillis(1))
			.then(() -> assertThat(this.subscriptions).hasValue(2))
			.thenAwait(Duration.ofMillis(500))
			.expectNext("answer")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isOne();
	}

	@Test
	void failsWithTheLastErrorOnceTheAttemptsAreUsedUp() {
		Flux<String> attempt = attempts(Flux.error(ProviderErrors.server(500)), Flux.error(ProviderErrors.server(502)),
				Flux.error(ProviderErrors.server(503)));
		StepVerifier
			.withVirtualTime(() -> attempt.transform(ModelRetryOperator.of(this.retry, this.context, () -> false)))
			.thenAwait(Duration.ofSeconds(5))
			.expectErrorSatisfies((error) -> assertThat(error).hasMessageContaining("503"))
			.verify(TIMEOUT);
		assertThat(this.subscriptions).hasValue(3);
		assertThat(this.retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isOne();
	}

	@Test
	void failsAtOnceWhileTheBreakerRefusesCalls() {
		Flux<String> attempt = attempts(Flux.error(ProviderErrors.overloaded()), Flux.just("answer"));
		StepVerifier
			.withVirtualTime(() -> attempt.transform(ModelRetryOperator.of(this.retry, this.context, () -> true)))
			.expectError(ProviderErrors.overloaded().getClass())
			.verify(TIMEOUT);
		assertThat(this.subscriptions).hasValue(1);
	}

	@Test
	void cancelledDuringTheWaitSubscribesNoMore() {
		VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
		try {
			Flux<String> attempt = attempts(Flux.error(ProviderErrors.overloaded()), Flux.just("answer"));
			List<String> received = new ArrayList<>();
			Disposable subscription = attempt.transform(ModelRetryOperator.of(this.retry, this.context, () -> false))
				.subscribe(received::add);
			time.advanceTimeBy(Duration.ofMillis(200));
			subscription.dispose();
			time.advanceTimeBy(Duration.ofSeconds(5));
			assertThat(this.subscriptions).hasValue(1);
			assertThat(received).isEmpty();
		}
		finally {
			VirtualTimeScheduler.reset();
		}
	}

	@Test
	void theNextAttemptIsAskedForWhatTheCallerAskedAndWasNotDelivered() {
		Flux<String> attempt = attempts(Flux.just("a").concatWith(Flux.error(ProviderErrors.overloaded())),
				Flux.just("b", "c", "d"));
		StepVerifier
			.withVirtualTime(() -> attempt.transform(ModelRetryOperator.of(this.retry, this.context, () -> false)), 2)
			.expectNext("a")
			.thenAwait(Duration.ofMillis(500))
			.expectNext("b")
			.expectNoEvent(Duration.ofSeconds(1))
			.thenRequest(2)
			.expectNext("c", "d")
			.expectComplete()
			.verify(TIMEOUT);
	}

	@SafeVarargs
	private Flux<String> attempts(Flux<String>... replies) {
		return Flux.defer(() -> replies[Math.min(this.subscriptions.getAndIncrement(), replies.length - 1)]);
	}

}
