package dev.llmresilience.actuate;

import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmObservationConventions;
import dev.llmresilience.observation.LlmRequestContext;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmMeterObservationHandler}: the same meters as Micrometer's default
 * handler, for the library's observations and for everything else.
 */
class LlmMeterObservationHandlerTests {

	private static final LlmModel SONNET = new LlmModel("sonnet", "anthropic", "claude-sonnet-4-5", 4096, null);

	@Test
	void recordsTheSameMetersAsTheDefaultHandler() {
		SimpleMeterRegistry expected = new SimpleMeterRegistry();
		SimpleMeterRegistry actual = new SimpleMeterRegistry();
		observeCalls(new DefaultMeterObservationHandler(expected));
		observeCalls(new LlmMeterObservationHandler(actual, true));
		assertThat(describe(actual)).isEqualTo(describe(expected))
			.anySatisfy((meter) -> assertThat(meter).startsWith("TIMER llm.request ["))
			.anySatisfy((meter) -> assertThat(meter).startsWith("LONG_TASK_TIMER llm.attempt.active ["))
			.anySatisfy((meter) -> assertThat(meter).contains("error=IllegalStateException"))
			.anySatisfy((meter) -> assertThat(meter).startsWith("TIMER http.client.requests ["))
			.anySatisfy((meter) -> assertThat(meter).startsWith("COUNTER llm.attempt.retried ["));
	}

	@Test
	void withoutLongTaskTimersRecordsTheSameMetersAsTheDefaultHandler() {
		SimpleMeterRegistry expected = new SimpleMeterRegistry();
		SimpleMeterRegistry actual = new SimpleMeterRegistry();
		observeCalls(new DefaultMeterObservationHandler(expected,
				DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER));
		observeCalls(new LlmMeterObservationHandler(actual, false));
		assertThat(describe(actual)).isEqualTo(describe(expected))
			.noneSatisfy((meter) -> assertThat(meter).startsWith("LONG_TASK_TIMER"));
	}

	@Test
	void aRunningObservationIsAnActiveTaskUntilItStops() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry registry = registry(new LlmMeterObservationHandler(meters, true));
		Observation attempt = Observation
			.createNotStarted(LlmObservationConventions.attempt(),
					() -> new LlmAttemptContext(SONNET, "anthropic", 1, false), registry)
			.start();
		LongTaskTimer active = meters.get("llm.attempt.active").longTaskTimer();
		assertThat(active.activeTasks()).isOne();
		attempt.stop();
		assertThat(active.activeTasks()).isZero();
		assertThat(meters.get("llm.attempt").tag("error", "none").timer().count()).isOne();
	}

	@Test
	void tagSetsPastTheBoundAreStillRecorded() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry registry = registry(new LlmMeterObservationHandler(meters, true));
		for (int i = 0; i < 1100; i++) {
			String model = "model-" + i;
			Observation.createNotStarted(LlmObservationConventions.request(),
					() -> new LlmRequestContext(LlmRequest.builder().model(model).user("Hi").build(), false), registry)
				.start()
				.stop();
		}
		Observation
			.createNotStarted(LlmObservationConventions.request(),
					() -> new LlmRequestContext(LlmRequest.builder().model("model-1099").user("Hi").build(), false),
					registry)
			.start()
			.stop();
		assertThat(meters.get("llm.request").timers()).hasSize(1100);
		assertThat(meters.get("llm.request").tag("llm.target", "model:model-1099").timer().count()).isEqualTo(2);
		assertThat(meters.get("llm.request").tag("llm.target", "model:model-7").timer().count()).isOne();
	}

	/**
	 * Observe what one call observes, twice: a request, a failed attempt with an event,
	 * an answered attempt, and the HTTP call of each attempt, an observation of another
	 * library's that the default handler keeps recording.
	 */
	private static void observeCalls(ObservationHandler<Observation.Context> handler) {
		ObservationRegistry registry = registry(handler);
		for (int i = 0; i < 2; i++) {
			observe(registry, LlmObservationConventions.request(),
					new LlmRequestContext(LlmRequest.builder().user("Hi").build(), false), (request) -> {
						observe(registry, LlmObservationConventions.attempt(),
								new LlmAttemptContext(SONNET, "anthropic", 1, false), (attempt) -> {
									httpCall(registry, 503);
									attempt.event(Observation.Event.of("retried"));
									attempt.error(new IllegalStateException("busy"));
								});
						observe(registry, LlmObservationConventions.attempt(),
								new LlmAttemptContext(SONNET, "anthropic", 2, false),
								(attempt) -> httpCall(registry, 200));
					});
		}
	}

	private static <C extends Observation.Context> void observe(ObservationRegistry registry,
			io.micrometer.observation.ObservationConvention<C> convention, C context, Consumer<Observation> work) {
		Observation observation = Observation.createNotStarted(convention, () -> context, registry).start();
		work.accept(observation);
		observation.stop();
	}

	private static void httpCall(ObservationRegistry registry, int status) {
		Observation.createNotStarted("http.client.requests", registry)
			.lowCardinalityKeyValue(KeyValue.of("status", String.valueOf(status)))
			.start()
			.stop();
	}

	private static ObservationRegistry registry(ObservationHandler<Observation.Context> handler) {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(handler);
		return registry;
	}

	/**
	 * Describe each meter by its type, name, tags and what it recorded.
	 */
	private static List<String> describe(MeterRegistry registry) {
		return registry.getMeters()
			.stream()
			.sorted(Comparator.comparing((Meter meter) -> meter.getId().toString()))
			.map((meter) -> meter.getId().getType() + " " + meter.getId().getName() + " " + meter.getId().getTags()
					+ " " + recorded(meter))
			.toList();
	}

	private static String recorded(Meter meter) {
		if (meter instanceof Timer timer) {
			return "count=" + timer.count();
		}
		if (meter instanceof LongTaskTimer longTaskTimer) {
			return "active=" + longTaskTimer.activeTasks();
		}
		return "measures=" + meter.measure();
	}

}
