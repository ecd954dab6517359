package dev.llmresilience.sample;

import org.junit.jupiter.api.Test;

/**
 * The actuator endpoints the sample exposes.
 */
class ActuatorTests extends AbstractRunningAppTests {

	@Test
	void healthIsUpWithDetails() {
		this.webClient.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components")
			.exists();
	}

	@Test
	void exposesOnlyHealthAndInfo() {
		this.webClient.get().uri("/actuator/info").exchange().expectStatus().isOk();
		this.webClient.get().uri("/actuator/env").exchange().expectStatus().isNotFound();
	}

}
