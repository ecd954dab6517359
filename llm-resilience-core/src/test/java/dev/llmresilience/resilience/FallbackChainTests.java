package dev.llmresilience.resilience;

import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.error.LlmAllModelsFailedException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmUnknownTargetException;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static dev.llmresilience.resilience.ChainFixture.request;
import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link FallbackChain}: the order of models, what each attempt records, the
 * request each model gets, and the models a request is too large for. Runs on virtual
 * time, so that backoffs take no real time and recorded durations are exact.
 */
class FallbackChainTests {

	@Test
	void retriesOverloadedThenFallsBackToNextModel() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary();
		fixture.always("primary", Reply.fail(ProviderErrors.overloaded()));
		fixture.script("secondary", Reply.answer("Hi from secondary"));
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request(), Deadline.none()))
			.thenAwait(Duration.ofMillis(1500))
			.assertNext((response) -> {
				assertThat(response.text()).isEqualTo("Hi from secondary");
				assertThat(response.model()).isEqualTo("secondary");
				assertThat(response.provider()).isEqualTo("anthropic");
				assertThat(response.fallback()).isTrue();
				assertThat(response.attempts()).containsExactly(
						new LlmAttempt("primary", Outcome.FAILURE, "LlmOverloadedException", Duration.ZERO),
						new LlmAttempt("primary", Outcome.FAILURE, "LlmOverloadedException", Duration.ZERO),
						new LlmAttempt("primary", Outcome.FAILURE, "LlmOverloadedException", Duration.ZERO),
						new LlmAttempt("secondary", Outcome.SUCCESS, null, Duration.ZERO));
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(fixture.calls("primary")).isEqualTo(3);
		assertThat(fixture.calls("secondary")).isOne();
	}

	@Test
	void theBreakerHasRecordedTheAttemptWhenTheCallerGetsTheAnswer() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary();
		fixture.script("primary", Reply.answer("Hi from primary"));
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request(), Deadline.none())).assertNext((response) -> {
			assertThat(response.model()).isEqualTo("primary");
			assertThat(fixture.breaker("primary").getMetrics().getNumberOfSuccessfulCalls()).isOne();
		}).expectComplete().verify(TIMEOUT);
	}

	@Test
	void callCompletedWithoutAnAnswerIsAnInvalidResponseThatIsRetriedAndFallsBack() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary();
		fixture.always("primary", Reply.endWithoutAnswer());
		fixture.script("secondary", Reply.answer("Hi from secondary"));
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request(), Deadline.none()))
			.thenAwait(Duration.ofMillis(1500))
			.assertNext((response) -> {
				assertThat(response.model()).isEqualTo("secondary");
				assertThat(response.attempts())
					.extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
					.containsExactly(tuple("primary", Outcome.FAILURE, "LlmInvalidResponseException"),
							tuple("primary", Outcome.FAILURE, "LlmInvalidResponseException"),
							tuple("primary", Outcome.FAILURE, "LlmInvalidResponseException"),
							tuple("secondary", Outcome.SUCCESS, null));
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(fixture.breaker("primary").getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
		assertThat(fixture.breaker("primary").getMetrics().getNumberOfSuccessfulCalls()).isZero();
	}

	@Test
	void callCompletedWithoutAnAnswerOnTheLastModelFailsTyped() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary();
		fixture.always("primary", Reply.fail(ProviderErrors.notFound()));
		fixture.always("secondary", Reply.endWithoutAnswer());
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request(), Deadline.none()))
			.thenAwait(Duration.ofSeconds(3))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(LlmAllModelsFailedException.class)
				.satisfies((failed) -> assertThat(((LlmAllModelsFailedException) failed).getAttempts())
					.extracting(LlmAttempt::model, LlmAttempt::errorType)
					.last()
					.isEqualTo(tuple("secondary", "LlmInvalidResponseException")))
				.rootCause()
				.isNotInstanceOf(NoSuchElementException.class))
			.verify(TIMEOUT);
	}

	@Test
	void answerOfTheFirstModelIsNoFallback() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary();
		fixture.script("primary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request(), Deadline.none())).assertNext((response) -> {
			assertThat(response.fallback()).isFalse();
			assertThat(response.attempts())
				.containsExactly(new LlmAttempt("primary", Outcome.SUCCESS, null, Duration.ZERO));
		}).expectComplete().verify(TIMEOUT);
		assertThat(fixture.calls("secondary")).isZero();
	}

	@Test
	void allModelsFailingListsEveryAttemptWithThePrimaryErrorAsCause() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary();
		LlmOverloadedException primaryLast = ProviderErrors.overloaded();
		fixture.script("primary", Reply.fail(ProviderErrors.overloaded()), Reply.fail(ProviderErrors.overloaded()),
				Reply.fail(primaryLast));
		fixture.always("secondary", Reply.fail(ProviderErrors.server(503)));
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request(), Deadline.none()))
			.thenAwait(Duration.ofSeconds(3))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(LlmAllModelsFailedException.class).hasCause(primaryLast);
				assertThat(error.getCause()).isSameAs(primaryLast);
				assertThat(((LlmAllModelsFailedException) error).getAttempts())
					.extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
					.containsExactly(tuple("primary", Outcome.FAILURE, "LlmOverloadedException"),
							tuple("primary", Outcome.FAILURE, "LlmOverloadedException"),
							tuple("primary", Outcome.FAILURE, "LlmOverloadedException"),
							tuple("secondary", Outcome.FAILURE, "LlmServerException"),
							tuple("secondary", Outcome.FAILURE, "LlmServerException"),
							tuple("secondary", Outcome.FAILURE, "LlmServerException"));
			})
			.verify(TIMEOUT);
		assertThat(fixture.callTimes("secondary")).containsExactly(1500L, 2000L, 3000L);
	}

	@Test
	void extraBodyIsDroppedForAModelOfAnotherProviderTypeAndKeptForTheSameType() {
		ChainFixture fixture = new ChainFixture().provider("anthropic", "anthropic")
			.provider("local", "openai")
			.provider("vertex", "anthropic")
			.model("primary", "anthropic", null)
			.model("llama", "local", null)
			.model("backup", "vertex", null)
			.chain("default", "primary", "llama", "backup");
		fixture.script("primary", Reply.fail(ProviderErrors.notFound()));
		fixture.script("llama", Reply.fail(ProviderErrors.notFound()));
		fixture.script("backup", Reply.answer("Hi"));
		Map<String, Object> thinking = Map.of("type", "enabled", "budget_tokens", 1024);
		LlmRequest request = LlmRequest.builder()
			.system("Be brief")
			.user("Hello")
			.extraBody("thinking", thinking)
			.build();
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request, Deadline.none()))
			.assertNext((response) -> assertThat(response.model()).isEqualTo("backup"))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(fixture.requests("primary")).singleElement().isSameAs(request);
		assertThat(fixture.requests("llama")).singleElement().satisfies((adapted) -> {
			assertThat(adapted.extraBody()).isEmpty();
			assertThat(adapted.system()).isEqualTo("Be brief");
			assertThat(adapted.messages()).isEqualTo(request.messages());
		});
		assertThat(fixture.requests("backup")).singleElement()
			.satisfies((kept) -> assertThat(kept.extraBody()).containsExactly(Map.entry("thinking", thinking)));
	}

	@Test
	void requestTooLargeMovesOnOnlyToAModelWithALargerContextWindow() {
		ChainFixture fixture = new ChainFixture().provider("anthropic", "anthropic")
			.model("mid", "anthropic", 16_000)
			.model("small", "anthropic", 8_000)
			.model("same", "anthropic", 16_000)
			.model("unknown", "anthropic", null)
			.chain("default", "mid", "small", "same", "unknown");
		fixture.script("mid", Reply.fail(ProviderErrors.tooLarge()));
		fixture.script("unknown", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request(), Deadline.none())).assertNext((response) -> {
			assertThat(response.model()).isEqualTo("unknown");
			assertThat(response.attempts()).containsExactly(
					new LlmAttempt("mid", Outcome.FAILURE, "LlmRequestTooLargeException", Duration.ZERO),
					new LlmAttempt("small", Outcome.SKIPPED, "ContextWindowTooSmall", Duration.ZERO),
					new LlmAttempt("same", Outcome.SKIPPED, "ContextWindowTooSmall", Duration.ZERO),
					new LlmAttempt("unknown", Outcome.SUCCESS, null, Duration.ZERO));
		}).expectComplete().verify(TIMEOUT);
		assertThat(fixture.calls("mid")).isOne();
		assertThat(fixture.calls("small")).isZero();
		assertThat(fixture.calls("same")).isZero();
	}

	@Test
	void requestTooLargeMovesOnToALargerContextWindow() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary();
		fixture.script("primary", Reply.fail(ProviderErrors.tooLarge()));
		fixture.script("secondary", Reply.answer("Hi"));
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request(), Deadline.none()))
			.assertNext((response) -> assertThat(response.attempts())
				.extracting(LlmAttempt::model, LlmAttempt::outcome, LlmAttempt::errorType)
				.containsExactly(tuple("primary", Outcome.FAILURE, "LlmRequestTooLargeException"),
						tuple("secondary", Outcome.SUCCESS, null)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void skipsAModelWhoseContextWindowTheEstimatedInputDoesNotFit() {
		ChainFixture fixture = new ChainFixture().provider("anthropic", "anthropic")
			.model("tiny", "anthropic", 1_000)
			.model("exact", "anthropic", 1_008)
			.model("roomy", "anthropic", 2_000)
			.chain("default", "tiny", "exact", "roomy");
		fixture.script("roomy", Reply.answer("Hi"));
		// 4,000 characters: 1,000 tokens, plus 4 for the turn and 4 for the request
		LlmRequest request = LlmRequest.ofPrompt("a".repeat(4_000));
		assertThat(request.estimatedInputTokens()).isEqualTo(1_008);
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request, Deadline.none())).assertNext((response) -> {
			assertThat(response.fallback()).isTrue();
			assertThat(response.attempts()).containsExactly(
					new LlmAttempt("tiny", Outcome.SKIPPED, "ContextWindowTooSmall", Duration.ZERO),
					new LlmAttempt("exact", Outcome.SKIPPED, "ContextWindowTooSmall", Duration.ZERO),
					new LlmAttempt("roomy", Outcome.SUCCESS, null, Duration.ZERO));
		}).expectComplete().verify(TIMEOUT);
		assertThat(fixture.calls("tiny")).isZero();
		assertThat(fixture.calls("exact")).isZero();
	}

	@Test
	void requestThatFitsNoModelFailsWithEverySkipAndNoCause() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary();
		LlmRequest request = LlmRequest.ofPrompt("a".repeat(800_000));
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request, Deadline.none()))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(LlmAllModelsFailedException.class).hasNoCause();
				assertThat(((LlmAllModelsFailedException) error).getAttempts()).containsExactly(
						new LlmAttempt("primary", Outcome.SKIPPED, "ContextWindowTooSmall", Duration.ZERO),
						new LlmAttempt("secondary", Outcome.SKIPPED, "ContextWindowTooSmall", Duration.ZERO));
			})
			.verify(TIMEOUT);
	}

	@Test
	void requestForASingleModelIsServedByThatModelOnly() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary();
		fixture.always("secondary", Reply.fail(ProviderErrors.server(500)));
		LlmRequest request = LlmRequest.builder().user("Hello").model("secondary").build();
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request, Deadline.none()))
			.thenAwait(Duration.ofMillis(1500))
			.expectErrorSatisfies((error) -> assertThat(((LlmAllModelsFailedException) error).getAttempts())
				.extracting(LlmAttempt::model)
				.containsExactly("secondary", "secondary", "secondary"))
			.verify(TIMEOUT);
		assertThat(fixture.calls("primary")).isZero();
	}

	@Test
	void requestForANamedChainUsesThatChain() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary().chain("cheap", "secondary");
		fixture.script("secondary", Reply.answer("Hi"));
		LlmRequest request = LlmRequest.builder().user("Hello").chain("cheap").build();
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request, Deadline.none())).assertNext((response) -> {
			assertThat(response.model()).isEqualTo("secondary");
			assertThat(response.fallback()).isFalse();
		}).expectComplete().verify(TIMEOUT);
		assertThat(fixture.calls("primary")).isZero();
	}

	@Test
	void unknownChainFailsWithoutCallingAnyModel() {
		ChainFixture fixture = ChainFixture.primaryAndSecondary();
		LlmRequest request = LlmRequest.builder().user("Hello").chain("nope").build();
		StepVerifier.withVirtualTime(() -> fixture.chain().call(request, Deadline.none()))
			.expectError(LlmUnknownTargetException.class)
			.verify(TIMEOUT);
		StepVerifier.withVirtualTime(() -> fixture.chain().stream(request, Deadline.none()))
			.expectError(LlmUnknownTargetException.class)
			.verify(TIMEOUT);
		assertThat(fixture.calls("primary")).isZero();
		assertThat(fixture.calls("secondary")).isZero();
	}

}
