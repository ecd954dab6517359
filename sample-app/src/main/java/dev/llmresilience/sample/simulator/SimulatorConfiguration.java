package dev.llmresilience.sample.simulator;

import java.time.Clock;
import java.util.Random;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Serves the simulated Anthropic Messages API, the simulated OpenAI Chat Completions API
 * and their control endpoints under {@code /simulator}, unless {@code simulator.enabled}
 * is {@code false}. Both APIs answer from the same models, with the same faults, rate
 * limits and counts.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "simulator.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SimulatorProperties.class)
class SimulatorConfiguration {

	@Bean
	FaultRegistry simulatorFaultRegistry(SimulatorProperties properties) {
		return new FaultRegistry(properties);
	}

	@Bean
	FaultInjector simulatorFaultInjector(SimulatorProperties properties) {
		// java.util.Random, not SplittableRandom: requests draw from it on many threads
		// at once.
		Long seed = properties.getSeed();
		return new FaultInjector((seed != null) ? new Random(seed) : new Random());
	}

	@Bean
	SimulatorTraffic simulatorTraffic() {
		return new SimulatorTraffic(Clock.systemUTC());
	}

	@Bean
	RouterFunction<ServerResponse> simulatorRoutes(FaultRegistry faults, FaultInjector injector,
			SimulatorTraffic traffic) {
		ModelSimulator simulator = new ModelSimulator(faults, injector, traffic);
		MessagesHandler messages = new MessagesHandler(simulator);
		ChatCompletionsHandler chatCompletions = new ChatCompletionsHandler(simulator, Clock.systemUTC());
		SimulatorControlHandler control = new SimulatorControlHandler(faults, traffic);
		return RouterFunctions.route()
			.path("/simulator",
					(routes) -> routes.POST("/v1/messages", messages::create)
						.POST("/v1/chat/completions", chatCompletions::create)
						.GET("/faults", control::listFaults)
						.DELETE("/faults", control::resetFaults)
						.GET("/faults/{model}", control::getFaults)
						.PUT("/faults/{model}", control::putFaults)
						.GET("/stats", control::stats)
						.DELETE("/stats", control::resetStats)
						.GET("/requests", control::requests))
			.build();
	}

}
