package dev.llmresilience.sample;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the {@code deployments} profile: the primary model served by two keys of the
 * simulator, each listed by the dashboard's snapshot with its own breaker.
 */
@ActiveProfiles({ "simulator", "deployments" })
class DeploymentsProfileTests extends AbstractRunningAppTests {

	@Test
	void primaryIsServedByBothDeploymentsAndTheDashboardListsEach() {
		for (int i = 0; i < 20; i++) {
			this.webClient.post()
				.uri("/api/chat")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"prompt\":\"Hello\"}")
				.exchange()
				.expectStatus()
				.isOk();
		}
		JsonNode snapshot = this.webClient.get()
			.uri("/api/dashboard")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		JsonNode primary = snapshot.path("models").get(0);
		assertThat(primary.path("id").asText()).isEqualTo("primary");
		assertThat(primary.at("/breaker/routing").asText()).isEqualTo("LEAST_IN_FLIGHT");
		JsonNode deployments = primary.at("/breaker/deployments");
		assertThat(deployments.path("a").path("provider").asText()).isEqualTo("simulator");
		assertThat(deployments.path("b").path("provider").asText()).isEqualTo("simulator-b");
		// least-in-flight among idle deployments draws by weight: each got some of the
		// calls, which went one at a time
		int a = deployments.path("a").path("bufferedCalls").asInt();
		int b = deployments.path("b").path("bufferedCalls").asInt();
		assertThat(a + b).isEqualTo(20);
		assertThat(a).isPositive();
		assertThat(b).isPositive();
	}

}
