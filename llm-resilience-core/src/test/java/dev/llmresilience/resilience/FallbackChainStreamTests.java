package dev.llmresilience.resilience;

import java.time.Duration;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmStreamEvent.Completion;
import dev.llmresilience.LlmStreamEvent.TextDelta;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmConnectionException;
import dev.llmresilience.error.LlmInvalidResponseException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.error.LlmTimeoutException.Phase;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static dev.llmresilience.resilience.ChainFixture.request;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link FallbackChain#stream}: retries and fallbacks stay invisible until the
 * first text delta, and a failure after it ends the stream with the text delivered. On
 * virtual time.
 */
class FallbackChainStreamTests {

	private final ChainFixture fixture = ChainFixture.primaryAndSecondary();

	@Test
	void failureBeforeTheFirstDeltaIsRetriedTransparently() {
		this.fixture.script("primary", Reply.fail(ProviderErrors.overloaded()), Reply.answer("Hel", "lo"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().stream(request(), Deadline.none()))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(499))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(new TextDelta("Hel"), new TextDelta("lo"))
			.assertNext((event) -> assertThat(event).isInstanceOfSatisfying(Completion.class, (completion) -> {
				assertThat(completion.response().text()).isEqualTo("Hello");
				assertThat(completion.response().model()).isEqualTo("primary");
				assertThat(completion.response().fallback()).isFalse();
				assertThat(completion.response().attempts()).containsExactly(
						new LlmAttempt("primary", Outcome.FAILURE, "LlmOverloadedException", Duration.ZERO),
						new LlmAttempt("primary", Outcome.SUCCESS, null, Duration.ZERO));
			}))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.calls("primary")).isEqualTo(2);
	}

	@Test
	void failureBeforeTheFirstDeltaFallsBackTransparently() {
		this.fixture.always("primary", Reply.fail(ProviderErrors.connection()));
		this.fixture.script("secondary", Reply.paced(Duration.ofMillis(100), Duration.ofMillis(100), "Hi", " there"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().stream(request(), Deadline.none()))
			.expectSubscription()
			.thenAwait(Duration.ofMillis(1800))
			.expectNext(new TextDelta("Hi"), new TextDelta(" there"))
			.assertNext((event) -> assertThat(event).isInstanceOfSatisfying(Completion.class, (completion) -> {
				assertThat(completion.response().model()).isEqualTo("secondary");
				assertThat(completion.response().fallback()).isTrue();
				assertThat(completion.response().attempts())
					.extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType, LlmAttempt::duration)
					.containsExactly(tuple("primary", Outcome.FAILURE, "LlmConnectionException", Duration.ZERO),
							tuple("primary", Outcome.FAILURE, "LlmConnectionException", Duration.ZERO),
							tuple("primary", Outcome.FAILURE, "LlmConnectionException", Duration.ZERO),
							tuple("secondary", Outcome.SUCCESS, null, Duration.ofMillis(300)));
			}))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.callTimes("secondary")).containsExactly(1500L);
	}

	@Test
	void failureAfterADeltaEndsTheStreamWithThePartialText() {
		LlmOverloadedException error = ProviderErrors.overloaded();
		this.fixture.script("primary", Reply.failAfter(error, "Hel", "lo"));
		this.fixture.always("secondary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().stream(request(), Deadline.none()))
			.expectNext(new TextDelta("Hel"), new TextDelta("lo"))
			.expectErrorSatisfies((actual) -> assertThat(actual)
				.isInstanceOfSatisfying(LlmStreamInterruptedException.class, (interrupted) -> {
					assertThat(interrupted.getPartialText()).isEqualTo("Hello");
					assertThat(interrupted.getModel()).isEqualTo("primary");
					assertThat(interrupted.getProvider()).isEqualTo("anthropic");
					assertThat(interrupted.getCause()).isSameAs(error);
				}))
			.verify(TIMEOUT);
		assertThat(this.fixture.calls("primary")).isOne();
		assertThat(this.fixture.calls("secondary")).isZero();
		assertThat(this.fixture.breaker("primary").getMetrics().getNumberOfFailedCalls()).isOne();
	}

	@Test
	void streamEndingWithoutItsCompletionBeforeContentFallsBack() {
		this.fixture.always("primary", Reply.endWithoutAnswer());
		this.fixture.script("secondary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().stream(request(), Deadline.none()))
			.thenAwait(Duration.ofMillis(1500))
			.expectNext(new TextDelta("Hi"))
			.assertNext((event) -> assertThat(event).isInstanceOfSatisfying(Completion.class,
					(completion) -> assertThat(completion.response().model()).isEqualTo("secondary")))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.breaker("primary").getMetrics().getNumberOfSuccessfulCalls()).isZero();
	}

	@Test
	void streamEndingWithoutItsCompletionAfterADeltaIsInterrupted() {
		this.fixture.script("primary", Reply.endWithoutAnswer("Hel", "lo"));
		this.fixture.always("secondary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().stream(request(), Deadline.none()))
			.expectNext(new TextDelta("Hel"), new TextDelta("lo"))
			.expectErrorSatisfies((actual) -> assertThat(actual)
				.isInstanceOfSatisfying(LlmStreamInterruptedException.class, (interrupted) -> {
					assertThat(interrupted.getPartialText()).isEqualTo("Hello");
					assertThat(interrupted.getCause()).isInstanceOf(LlmInvalidResponseException.class);
				}))
			.verify(TIMEOUT);
		assertThat(this.fixture.calls("secondary")).isZero();
		assertThat(this.fixture.breaker("primary").getMetrics().getNumberOfFailedCalls()).isOne();
	}

	@Test
	void failureAfterADeltaOfAFallbackModelNamesThatModel() {
		LlmConnectionException error = ProviderErrors.connection();
		this.fixture.script("primary", Reply.fail(ProviderErrors.notFound()));
		this.fixture.script("secondary", Reply.failAfter(error, "Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().stream(request(), Deadline.none()))
			.expectNext(new TextDelta("Hi"))
			.expectErrorSatisfies((actual) -> assertThat(actual)
				.isInstanceOfSatisfying(LlmStreamInterruptedException.class, (interrupted) -> {
					assertThat(interrupted.getPartialText()).isEqualTo("Hi");
					assertThat(interrupted.getModel()).isEqualTo("secondary");
					assertThat(interrupted.getCause()).isSameAs(error);
				}))
			.verify(TIMEOUT);
		assertThat(this.fixture.calls("secondary")).isOne();
	}

	@Test
	void deadlineAfterADeltaEndsTheStreamWithThePartialText() {
		this.fixture.script("primary", Reply.paced(Duration.ofMillis(10), Duration.ofSeconds(5), "Hel", "lo"));
		StepVerifier
			.withVirtualTime(() -> this.fixture.chain().stream(request(), Deadline.after(Duration.ofSeconds(1))))
			.expectSubscription()
			.thenAwait(Duration.ofMillis(10))
			.expectNext(new TextDelta("Hel"))
			.expectNoEvent(Duration.ofMillis(989))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((actual) -> assertThat(actual)
				.isInstanceOfSatisfying(LlmStreamInterruptedException.class, (interrupted) -> {
					assertThat(interrupted.getPartialText()).isEqualTo("Hel");
					assertThat(interrupted.getModel()).isEqualTo("primary");
					assertThat(interrupted.getCause()).isInstanceOfSatisfying(LlmTimeoutException.class,
							(timeout) -> assertThat(timeout.getPhase()).isEqualTo(Phase.DEADLINE));
				}))
			.verify(TIMEOUT);
		assertThat(this.fixture.cancellations("primary")).isOne();
		assertThat(this.fixture.calls("secondary")).isZero();
	}

	@Test
	void cancelOfTheSubscriberCancelsTheProviderCall() {
		this.fixture.script("primary", Reply.stall("Hel"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().stream(request(), Deadline.none()))
			.expectNext(new TextDelta("Hel"))
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(this.fixture.cancellations("primary")).isOne();
		assertThat(this.fixture.calls("secondary")).isZero();
		assertThat(this.fixture.breaker("primary").getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void completionOfAStreamIsRecordedAsASuccessOfTheBreaker() {
		this.fixture.script("primary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> this.fixture.chain().stream(request(), Deadline.none()))
			.expectNext(new TextDelta("Hi"))
			.expectNextMatches(LlmStreamEvent.Completion.class::isInstance)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.fixture.breaker("primary").getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(this.fixture.retry("primary").getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isOne();
	}

}
