package dev.llmresilience.actuate;

import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.LlmPriority;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.queue.RequestQueue;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.lang.Nullable;

/**
 * Meters of the request queue and of the providers' rate-limit holds:
 * {@code llm.queue.depth} per priority, {@code llm.queue.in_flight},
 * {@code llm.queue.wait} (time admitted requests waited), {@code llm.queue.refused}, and
 * {@code llm.provider.hold} (seconds the longest hold of a provider still lasts, of one
 * of its models or of the whole provider).
 */
public class LlmQueueMetrics implements MeterBinder {

	private final RequestQueue queue;

	private final ProviderPacer pacer;

	private final Collection<String> providers;

	/**
	 * Create a new instance.
	 * @param queue the queue, or {@code null} without one
	 * @param pacer the pacer
	 * @param providers the provider ids
	 */
	public LlmQueueMetrics(@Nullable RequestQueue queue, ProviderPacer pacer, Collection<String> providers) {
		this.queue = queue;
		this.pacer = pacer;
		this.providers = providers;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.queue != null) {
			for (LlmPriority priority : LlmPriority.values()) {
				Gauge.builder("llm.queue.depth", this.queue, (queue) -> queue.snapshot().depth().get(priority))
					.description("Requests waiting for admission")
					.tag("llm.priority", priority.name().toLowerCase(Locale.ROOT))
					.register(registry);
			}
			Gauge.builder("llm.queue.in_flight", this.queue, (queue) -> queue.snapshot().inFlight())
				.description("Requests being served")
				.register(registry);
			FunctionTimer
				.builder("llm.queue.wait", this.queue, (queue) -> queue.snapshot().admitted(),
						(queue) -> queue.snapshot().totalWait().toMillis(), TimeUnit.MILLISECONDS)
				.description("Time admitted requests waited in the queue")
				.register(registry);
			FunctionCounter.builder("llm.queue.refused", this.queue, (queue) -> queue.snapshot().refused())
				.description("Requests refused because the queue was full or closed")
				.register(registry);
		}
		for (String provider : this.providers) {
			Gauge.builder("llm.provider.hold", this.pacer, (pacer) -> longestHold(pacer, provider))
				.description("Seconds the longest rate-limit hold of a provider, or of one of its models, still lasts")
				.baseUnit("seconds")
				.tag("llm.provider", provider)
				.register(registry);
		}
	}

	private static double longestHold(ProviderPacer pacer, String provider) {
		long longest = 0;
		for (Map.Entry<String, Duration> hold : pacer.holds().entrySet()) {
			if (ProviderPacer.providerOf(hold.getKey()).equals(provider)) {
				longest = Math.max(longest, hold.getValue().toMillis());
			}
		}
		return longest / 1000.0;
	}

}
