package dev.llmresilience.sample.dashboard;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import dev.llmresilience.LlmTemplate;
import dev.llmresilience.overview.LlmOverview;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The live dashboard: the page at {@code /dashboard.html} (and {@code /}), its data at
 * {@code /api/dashboard}, and, with the simulator, the load generator at
 * {@code /api/load}.
 */
@Configuration(proxyBeanMethods = false)
class DashboardConfiguration {

	/** Seconds of history the chart shows. */
	private static final int HISTORY_SECONDS = 180;

	@Bean
	TrafficHistory dashboardTrafficHistory() {
		return new TrafficHistory(HISTORY_SECONDS);
	}

	@Bean
	LlmTrafficObserver dashboardTrafficObserver(TrafficHistory history) {
		return new LlmTrafficObserver(history, Clock.systemUTC());
	}

	@Bean
	BreakerTimeline dashboardBreakerTimeline(CircuitBreakerRegistry registry) {
		// A little longer than the chart, so the state at the chart's left edge is known.
		return new BreakerTimeline(registry, Clock.systemUTC(), Duration.ofSeconds(HISTORY_SECONDS + 10));
	}

	/**
	 * The spend per model: the library tells every {@code SpendListener} bean what each
	 * attempt was billed.
	 */
	@Bean
	ModelSpend dashboardModelSpend() {
		return new ModelSpend();
	}

	@Bean
	DashboardSnapshots dashboardSnapshots(LlmOverview overview, TrafficHistory history, BreakerTimeline breakers,
			ModelSpend spend, ObjectProvider<LoadGenerator> load) {
		return new DashboardSnapshots(overview, history, breakers, spend, load.getIfAvailable(), Clock.systemUTC());
	}

	@Bean
	RouterFunction<ServerResponse> dashboardRoutes() {
		return RouterFunctions.route(RequestPredicates.GET("/"),
				(request) -> ServerResponse.temporaryRedirect(URI.create("/dashboard.html")).build());
	}

	/**
	 * The load generator, only with the simulator: against a real API every request it
	 * sends would be paid for.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "simulator.enabled", matchIfMissing = true)
	static class LoadGeneratorConfiguration {

		@Bean
		LoadGenerator dashboardLoadGenerator(LlmTemplate template) {
			return new LoadGenerator(template, Clock.systemUTC());
		}

	}

}
