package dev.llmresilience.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Writes what the actuator shows as a JSON tree, with java.time values as text as Spring
 * Boot's own mapper writes them, whichever Jackson the application's generation of Spring
 * Boot uses for its endpoints.
 */
final class ActuatorJson {

	private static final ObjectMapper objectMapper = new ObjectMapper().findAndRegisterModules()
		.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

	private ActuatorJson() {
	}

	static JsonNode tree(Object value) {
		return objectMapper.valueToTree(value);
	}

}
