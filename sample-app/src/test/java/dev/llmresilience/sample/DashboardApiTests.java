package dev.llmresilience.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's page, data and load generator over HTTP.
 */
class DashboardApiTests extends AbstractRunningAppTests {

	@AfterEach
	void stopLoad() {
		this.webClient.delete().uri("/api/load").exchange().expectStatus().isOk();
	}

	@Test
	void rootRedirectsToTheDashboardPage() {
		this.webClient.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isTemporaryRedirect()
			.expectHeader()
			.location("/dashboard.html");
		this.webClient.get()
			.uri("/dashboard.html")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML);
	}

	@Test
	void snapshotShowsChainsModelsQueueHistoryAndLoad() {
		this.webClient.get()
			.uri("/api/dashboard")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.chains.default.models")
			.isEqualTo(List.of("primary", "secondary"))
			.jsonPath("$.chains.default.serving")
			.isEqualTo("primary")
			.jsonPath("$.models[*].id")
			.isEqualTo(List.of("primary", "secondary"))
			.jsonPath("$.models[0].breaker.state")
			.isEqualTo("CLOSED")
			.jsonPath("$.models[0].breaker.name")
			.isEqualTo("sim-large")
			.jsonPath("$.models[*].breaker.provider")
			.isEqualTo(List.of("simulator", "simulator-openai"))
			.jsonPath("$.models[0].traffic.seconds")
			.isEqualTo(10)
			.jsonPath("$.queue.depth.NORMAL")
			.isEqualTo(0)
			.jsonPath("$.history.requests.success.length()")
			.isEqualTo(180)
			.jsonPath("$.history.breakers.primary[0].state")
			.isEqualTo("CLOSED")
			.jsonPath("$.load.running")
			.isEqualTo(false);
	}

	@Test
	void snapshotShowsWhatEachModelWasBilledAndTheSpendBudgets() {
		this.webClient.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"prompt\": \"Tell me about budgets\"}")
			.exchange()
			.expectStatus()
			.isOk();
		JsonNode cost = this.webClient.get()
			.uri("/api/dashboard")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("cost");
		assertThat(cost.path("currency").asText()).isEqualTo("USD");
		assertThat(cost.path("models").properties()).extracting(Map.Entry::getKey)
			.containsExactly("primary", "secondary");
		// the other tests of this app may have been billed before: at least this call, 8
		// tokens in at 3 and 15 out at 15 a million
		JsonNode primary = cost.path("models").path("primary");
		assertThat(primary.path("amount").decimalValue()).isGreaterThanOrEqualTo(new BigDecimal("0.000249"));
		assertThat(primary.path("calls").asLong()).isPositive();
		assertThat(primary.path("unknownCalls").asLong()).isZero();
		assertThat(cost.path("budgets").properties()).extracting(Map.Entry::getKey)
			.containsExactly("primary-hourly", "everything-daily");
		JsonNode hourly = cost.path("budgets").path("primary-hourly");
		assertThat(hourly.path("limit").decimalValue()).isEqualByComparingTo("2");
		assertThat(hourly.path("spent").decimalValue()).isGreaterThanOrEqualTo(new BigDecimal("0.000249"));
		assertThat(hourly.path("currency").asText()).isEqualTo("USD");
		assertThat(hourly.path("period").asText()).isEqualTo("HOUR");
		assertThat(hourly.path("action").asText()).isEqualTo("SKIP");
		assertThat(hourly.path("scope").path("model").asText()).isEqualTo("primary");
		assertThat(hourly.path("shared").asBoolean()).isFalse();
		Instant resetsAt = Instant.parse(hourly.path("resetsAt").asText());
		assertThat(resetsAt).isAfter(Instant.now()).isBeforeOrEqualTo(Instant.now().plus(Duration.ofHours(1)));
		assertThat(cost.path("budgets").path("everything-daily").path("action").asText()).isEqualTo("WARN");
	}

	@Test
	void streamSendsASnapshotEverySecond() {
		List<ServerSentEvent<JsonNode>> events = this.webClient.get()
			.uri("/api/dashboard/stream")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<JsonNode>>() {
			})
			.getResponseBody()
			.take(2)
			.collectList()
			.block(Duration.ofSeconds(5));
		assertThat(events).extracting(ServerSentEvent::event).containsExactly("snapshot", "snapshot");
		assertThat(events.get(1).data().get("at").asLong() - events.get(0).data().get("at").asLong()).isBetween(500L,
				1500L);
	}

	@Test
	void loadGeneratorSendsTheRequestsAskedForThenStops() {
		this.webClient.post()
			.uri("/api/load")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"requestsPerSecond\": 20, \"seconds\": 1, \"stream\": true}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.running")
			.isEqualTo(true);
		await().atMost(Duration.ofSeconds(30)).until(() -> !loadStatus().get("running").asBoolean());
		this.webClient.get().uri("/api/load").exchange().expectBody().json("""
				{"running": false, "settings": {"requestsPerSecond": 20, "seconds": 1, "stream": true},
				 "sent": 20, "answered": 20, "fallbacks": 0, "failed": 0, "dropped": 0}""");
	}

	@Test
	void loadGeneratorStopsWhenAsked() {
		this.webClient.post()
			.uri("/api/load")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"requestsPerSecond\": 5, \"seconds\": 600}")
			.exchange()
			.expectStatus()
			.isOk();
		this.webClient.delete()
			.uri("/api/load")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.running")
			.isEqualTo(false);
	}

	@Test
	void loadGeneratorRejectsRatesAndDurationsOutOfRange() {
		this.webClient.post()
			.uri("/api/load")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"requestsPerSecond\": 1000, \"seconds\": 10}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("requestsPerSecond", "200"));
		this.webClient.post()
			.uri("/api/load")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"requestsPerSecond\": 10}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("seconds", "600"));
	}

	private JsonNode loadStatus() {
		return this.webClient.get()
			.uri("/api/load")
			.exchange()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

}
