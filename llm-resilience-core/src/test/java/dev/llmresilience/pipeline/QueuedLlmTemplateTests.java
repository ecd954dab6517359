package dev.llmresilience.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmPriority;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmTemplate;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.budget.PacedChains;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.budget.RecordingProvider;
import dev.llmresilience.error.LlmApiException;
import dev.llmresilience.error.LlmOverloadedException;
import dev.llmresilience.error.LlmQueueFullException;
import dev.llmresilience.error.LlmShutdownException;
import dev.llmresilience.error.LlmTimeoutException;
import dev.llmresilience.queue.RequestQueue;
import dev.llmresilience.test.VirtualTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link LlmTemplate} with a {@link RequestQueue}: a request holds its permit
 * through all of its attempts, backoffs and fallbacks, its deadline counts its wait in
 * the queue, and it ends once, also when refused or shut down. Runs on virtual time.
 */
@ExtendWith(VirtualTime.class)
class QueuedLlmTemplateTests {

	private final RecordingProvider primary = new RecordingProvider("primary");

	private final RecordingProvider secondary = new RecordingProvider("secondary");

	private final VirtualTimeScheduler time;

	private RequestQueue queue;

	private LlmTemplate template;

	QueuedLlmTemplateTests(VirtualTimeScheduler time) {
		this.time = time;
	}

	@BeforeEach
	void templateServingOneRequestAtATime() {
		this.queue = new RequestQueue(2, Map.of(), 1, Duration.ZERO);
		ProviderPacer pacer = new ProviderPacer(Map.of(), Map.of(), Clock.systemUTC(), Duration.ofSeconds(60));
		this.template = new LlmTemplate(
				new ResilientPipeline(PacedChains.chain(pacer, this.primary, this.secondary), this.queue, null));
	}

	@Test
	void permitCoversEveryAttemptBackoffAndFallbackOfTheRequest() {
		for (int i = 0; i < 3; i++) {
			this.primary.thenFail("primary", overloaded());
		}
		this.secondary.then("secondary", (model) -> Mono.delay(Duration.ofSeconds(2))
			.map((tick) -> RecordingProvider.answer(model, "secondary", new LlmUsage(5, 5), RateLimitStatus.NONE)));
		TestSubscriber<LlmResponse> first = call(LlmRequest.ofPrompt("first"));
		TestSubscriber<LlmResponse> second = call(LlmRequest.builder().model("secondary").user("second").build());
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(answer(first).attempts()).extracting(LlmAttempt::model, LlmAttempt::outcome)
			.containsExactly(tuple("primary", Outcome.FAILURE), tuple("primary", Outcome.FAILURE),
					tuple("primary", Outcome.FAILURE), tuple("secondary", Outcome.SUCCESS));
		assertThat(answer(second).model()).isEqualTo("secondary");
		assertThat(this.primary.callTimes("primary")).containsExactly(0L, 500L, 1000L);
		// the second request got its permit only when the first one's fallback had
		// answered
		assertThat(this.secondary.callTimes("secondary")).containsExactly(1000L, 3000L);
		assertThat(this.queue.snapshot().maxWait()).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void streamHoldsItsPermitUntilItEnds() {
		this.primary.then("primary", (model) -> Mono.delay(Duration.ofSeconds(2))
			.map((tick) -> RecordingProvider.answer(model, "primary", new LlmUsage(5, 5), RateLimitStatus.NONE)));
		TestSubscriber<LlmStreamEvent> stream = TestSubscriber.create();
		this.template.stream(LlmRequest.ofPrompt("streamed")).subscribe(stream);
		TestSubscriber<LlmResponse> call = call(LlmRequest.ofPrompt("after"));
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		assertThat(stream.isTerminatedComplete()).isTrue();
		assertThat(answer(call).model()).isEqualTo("primary");
		assertThat(this.primary.callTimes("primary")).containsExactly(0L, 2000L);
	}

	@Test
	void requestWaitingInTheQueuePastItsTimeoutEndsWithADeadlineTimeoutWithoutCallingAnyModel() {
		this.primary.then("primary", (model) -> Mono.delay(Duration.ofSeconds(5))
			.map((tick) -> RecordingProvider.answer(model, "primary", new LlmUsage(5, 5), RateLimitStatus.NONE)));
		call(LlmRequest.ofPrompt("slow"));
		TestSubscriber<LlmResponse> expiring = call(
				LlmRequest.builder().user("impatient").timeout(Duration.ofSeconds(1)).build());
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(expiring.expectTerminalError()).isInstanceOfSatisfying(LlmTimeoutException.class,
				(timeout) -> assertThat(timeout.getPhase()).isEqualTo(LlmTimeoutException.Phase.DEADLINE));
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(this.primary.callTimes("primary")).containsExactly(0L);
		assertThat(this.queue.snapshot().waiting()).isZero();
		assertThat(this.queue.snapshot().inFlight()).isZero();
	}

	@Test
	void timeLeftAfterWaitingInTheQueueBoundsTheModelCalls() {
		this.primary.then("primary", (model) -> Mono.delay(Duration.ofSeconds(3))
			.map((tick) -> RecordingProvider.answer(model, "primary", new LlmUsage(5, 5), RateLimitStatus.NONE)));
		this.primary.then("primary", (model) -> Mono.delay(Duration.ofSeconds(10))
			.map((tick) -> RecordingProvider.answer(model, "primary", new LlmUsage(5, 5), RateLimitStatus.NONE)));
		call(LlmRequest.ofPrompt("first"));
		TestSubscriber<LlmResponse> second = call(
				LlmRequest.builder().user("second").timeout(Duration.ofSeconds(5)).build());
		this.time.advanceTimeBy(Duration.ofMillis(4999));
		assertThat(second.isTerminated()).isFalse();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(second.expectTerminalError()).isInstanceOf(LlmTimeoutException.class);
		assertThat(this.primary.callTimes("primary")).containsExactly(0L, 3000L);
		assertThat(this.queue.snapshot().inFlight()).isZero();
	}

	@Test
	void fullQueueRefusesTheRequestAtOnceWithoutCallingAnyModel() {
		this.primary.then("primary", (model) -> Mono.never());
		call(LlmRequest.ofPrompt("running"));
		call(LlmRequest.ofPrompt("waiting-1"));
		call(LlmRequest.ofPrompt("waiting-2"));
		TestSubscriber<LlmResponse> refused = call(
				LlmRequest.builder().user("refused").priority(LlmPriority.CRITICAL).build());
		assertThat(refused.expectTerminalError()).isInstanceOf(LlmQueueFullException.class);
		assertThat(this.primary.callTimes("primary")).containsExactly(0L);
		assertThat(this.queue.snapshot().refused()).isOne();
	}

	@Test
	void shutdownEndsWaitingRequestsAtOnceAndRunningOnesAfterTheGrace() {
		this.primary.then("primary", (model) -> Mono.never());
		TestSubscriber<LlmResponse> running = call(LlmRequest.ofPrompt("running"));
		List<TestSubscriber<LlmResponse>> waiting = List.of(call(LlmRequest.ofPrompt("waiting-1")),
				call(LlmRequest.ofPrompt("waiting-2")));
		TestSubscriber<Void> shutdown = TestSubscriber.create();
		this.queue.shutdown(Duration.ofSeconds(30)).subscribe(shutdown);
		assertThat(waiting)
			.allSatisfy((caller) -> assertThat(caller.expectTerminalError()).isInstanceOf(LlmShutdownException.class));
		assertThat(running.isTerminated()).isFalse();
		this.time.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(running.expectTerminalError()).isInstanceOf(LlmShutdownException.class);
		assertThat(shutdown.isTerminatedComplete()).isTrue();
		assertThat(call(LlmRequest.ofPrompt("late")).expectTerminalError()).isInstanceOf(LlmShutdownException.class);
		assertThat(this.primary.callTimes("primary")).containsExactly(0L);
	}

	private TestSubscriber<LlmResponse> call(LlmRequest request) {
		TestSubscriber<LlmResponse> caller = TestSubscriber.create();
		this.template.call(request).subscribe(caller);
		return caller;
	}

	private static LlmResponse answer(TestSubscriber<LlmResponse> caller) {
		assertThat(caller.isTerminatedComplete()).as("answered: " + caller.getTerminalSignal()).isTrue();
		return caller.getReceivedOnNext().get(0);
	}

	private static LlmOverloadedException overloaded() {
		return new LlmOverloadedException("primary", "primary",
				new LlmApiException.Details(529, "overloaded_error", null, "Overloaded", null, null, null, null));
	}

}
