package dev.llmresilience.sample.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;

/**
 * Serves the simulator's control endpoints: the faults of each model, changed at runtime,
 * the requests each model received, and a log of the last requests.
 */
class SimulatorControlHandler {

	private static final ParameterizedTypeReference<Map<String, Object>> FIELDS = new ParameterizedTypeReference<>() {
	};

	private static final String PREFIX = "faults";

	private final FaultRegistry faults;

	private final SimulatorTraffic traffic;

	SimulatorControlHandler(FaultRegistry faults, SimulatorTraffic traffic) {
		this.faults = faults;
		this.traffic = traffic;
	}

	Mono<ServerResponse> listFaults(ServerRequest request) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("defaults", ModelFaults.DEFAULTS);
		body.put("models", this.faults.all());
		return ServerResponse.ok().bodyValue(body);
	}

	Mono<ServerResponse> getFaults(ServerRequest request) {
		return ServerResponse.ok().bodyValue(this.faults.faultsFor(request.pathVariable("model")));
	}

	/**
	 * Replace the faults of one model. The body uses the names and value formats of the
	 * {@code simulator.models.<name>.*} properties, bound by the same rules; fields left
	 * out take their defaults.
	 * @param request the request
	 * @return the new faults, or a 400 problem
	 */
	Mono<ServerResponse> putFaults(ServerRequest request) {
		String model = request.pathVariable("model");
		return request.bodyToMono(FIELDS)
			.defaultIfEmpty(Map.of())
			.map(SimulatorControlHandler::bind)
			.flatMap((faults) -> {
				this.faults.set(model, faults);
				return ServerResponse.ok().bodyValue(faults);
			})
			.onErrorResume(BindException.class, (ex) -> badRequest(describe(ex)))
			.onErrorResume(IllegalArgumentException.class, (ex) -> badRequest(ex.getMessage()))
			.onErrorResume(ServerWebInputException.class, (ex) -> badRequest("The body must be a JSON object"));
	}

	private static ModelFaults bind(Map<String, Object> body) {
		Map<String, Object> properties = new LinkedHashMap<>();
		body.forEach((name, value) -> {
			if (value != null) {
				properties.put(PREFIX + "." + name, value);
			}
		});
		Binder binder = new Binder(new MapConfigurationPropertySource(properties));
		BindHandler rejectUnknownFields = new NoUnboundElementsBindHandler(BindHandler.DEFAULT);
		SimulatorProperties.Model model = binder
			.bind(PREFIX, Bindable.of(SimulatorProperties.Model.class), rejectUnknownFields)
			.orElseGet(SimulatorProperties.Model::new);
		return ModelFaults.of(model);
	}

	private static String describe(BindException ex) {
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
		if (cause instanceof UnboundConfigurationPropertiesException unbound) {
			return "Unknown fields " + unbound.getUnboundProperties()
				.stream()
				.map((property) -> property.getName().getLastElement(Form.ORIGINAL))
				.sorted()
				.toList();
		}
		Object value = (ex.getProperty() != null) ? ex.getProperty().getValue() : null;
		return "Invalid value '" + value + "' for '" + ex.getName().getLastElement(Form.DASHED) + "': "
				+ cause.getMessage();
	}

	Mono<ServerResponse> resetFaults(ServerRequest request) {
		this.faults.reset();
		return ServerResponse.noContent().build();
	}

	Mono<ServerResponse> stats(ServerRequest request) {
		return ServerResponse.ok().bodyValue(this.traffic.stats());
	}

	/**
	 * Forget the counts, the rate-limit windows and the request log.
	 * @param request the request
	 * @return 204
	 */
	Mono<ServerResponse> resetStats(ServerRequest request) {
		this.traffic.reset();
		return ServerResponse.noContent().build();
	}

	Mono<ServerResponse> requests(ServerRequest request) {
		return ServerResponse.ok().bodyValue(this.traffic.received());
	}

	private static Mono<ServerResponse> badRequest(String detail) {
		return ServerResponse.badRequest()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail));
	}

}
