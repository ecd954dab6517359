package dev.llmresilience.deadline;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CutOffOperator}, on virtual time.
 */
class CutOffOperatorTests {

	private final AtomicInteger errorsCreated = new AtomicInteger();

	private final AtomicBoolean upstreamCancelled = new AtomicBoolean();

	private final AtomicBoolean triggerCancelled = new AtomicBoolean();

	@Test
	void triggerCancelsTheUpstreamAndEndsTheSequenceWithTheCallersErrorAfterTheElementsReceived() {
		StepVerifier
			.withVirtualTime(
					() -> Flux.concat(Mono.just("first"), Mono.just("late").delayElement(Duration.ofSeconds(5)))
						.doOnCancel(() -> this.upstreamCancelled.set(true))
						.transform(cutOffAfter(Duration.ofSeconds(2))))
			.expectNext("first")
			.expectNoEvent(Duration.ofMillis(1999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies(
					(error) -> assertThat(error).isExactlyInstanceOf(IllegalStateException.class).hasMessage("cut off"))
			.verify(TIMEOUT);
		assertThat(this.upstreamCancelled).isTrue();
		assertThat(this.errorsCreated).hasValue(1);
	}

	@Test
	void upstreamThatCompletesFirstCompletesAndCancelsTheTrigger() {
		StepVerifier
			.withVirtualTime(() -> Mono.just("answer")
				.delayElement(Duration.ofSeconds(1))
				.flux()
				.transform(cutOffAfter(Duration.ofSeconds(2))))
			.expectSubscription()
			.expectNoEvent(Duration.ofSeconds(1))
			.expectNext("answer")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.triggerCancelled).isTrue();
		assertThat(this.errorsCreated).hasValue(0);
	}

	@Test
	void upstreamErrorBeforeTheTriggerIsPassedOnAsItIs() {
		IllegalArgumentException failure = new IllegalArgumentException("failed");
		StepVerifier
			.withVirtualTime(() -> Flux
				.concat(Mono.just("first"), Mono.<String>error(failure).delaySubscription(Duration.ofSeconds(1)))
				.transform(cutOffAfter(Duration.ofSeconds(2))))
			.expectNext("first")
			.expectNoEvent(Duration.ofSeconds(1))
			.expectErrorSatisfies((error) -> assertThat(error).isSameAs(failure))
			.verify(TIMEOUT);
		assertThat(this.triggerCancelled).isTrue();
		assertThat(this.errorsCreated).hasValue(0);
	}

	@Test
	void everySubscriptionIsCutOffOnItsOwn() {
		AtomicInteger subscriptions = new AtomicInteger();
		StepVerifier.withVirtualTime(() -> {
			// the first subscription ends at once, the second never ends on its own
			Flux<String> cut = Flux
				.defer(() -> (subscriptions.incrementAndGet() == 1) ? Flux.just("fast") : Flux.<String>never())
				.transform(cutOffAfter(Duration.ofSeconds(1)));
			return cut.concatWith(cut);
		})
			.expectNext("fast")
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorMessage("cut off")
			.verify(TIMEOUT);
		assertThat(subscriptions).hasValue(2);
	}

	@Test
	void triggerThatFailsPassesItsErrorOnWithoutCancellingTheUpstream() {
		IllegalStateException failure = new IllegalStateException("trigger failed");
		StepVerifier
			.withVirtualTime(
					() -> Flux.<String>never()
						.doOnCancel(() -> this.upstreamCancelled.set(true))
						.transform(CutOffOperator.of(Mono.error(failure).delaySubscription(Duration.ofSeconds(1)),
								this::cutOff)))
			.expectSubscription()
			.expectNoEvent(Duration.ofSeconds(1))
			.expectErrorSatisfies((error) -> assertThat(error).isSameAs(failure))
			.verify(TIMEOUT);
		// takeUntilOther cancels the upstream only when the trigger emits or completes
		assertThat(this.upstreamCancelled).isFalse();
		assertThat(this.errorsCreated).hasValue(0);
	}

	/**
	 * Return an operator whose trigger is a timer, created at assembly as the callers do,
	 * so inside {@code withVirtualTime}.
	 */
	private CutOffOperator<String> cutOffAfter(Duration delay) {
		return CutOffOperator.of(Mono.delay(delay).doOnCancel(() -> this.triggerCancelled.set(true)), this::cutOff);
	}

	private IllegalStateException cutOff() {
		this.errorsCreated.incrementAndGet();
		return new IllegalStateException("cut off");
	}

}
