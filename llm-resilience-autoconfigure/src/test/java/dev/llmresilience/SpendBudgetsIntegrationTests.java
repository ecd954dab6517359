package dev.llmresilience;

import java.time.Duration;
import java.time.Instant;

import dev.llmresilience.error.LlmBudgetExceededException;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * End-to-end tests of spend budgets configured in {@code application.yml} terms, over
 * HTTP against the fake provider, on an injected clock: {@code sonnet} (3 in, 15 out per
 * million) and {@code haiku} (1 in, 5 out) in the default chain; budget {@code tenants}
 * refuses the requests of tenant {@code acme} past 0.00007 a day in Paris, budget
 * {@code sonnet} skips sonnet past 0.0001 a day, budget {@code everything} warns past
 * 0.0002 a month. {@code /actuator/llm} shows each budget's spend, limit and reset, and
 * the meters count spend and the calls that passed a budget.
 */
@WithWebTestClient
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"llm.resilience.providers.fake.type=anthropic", "llm.resilience.providers.fake.api-key=test-key",
		"llm.resilience.models.sonnet.provider=fake", "llm.resilience.models.sonnet.name=sonnet-model",
		"llm.resilience.models.sonnet.max-output-tokens=10", "llm.resilience.models.sonnet.prices.input=3",
		"llm.resilience.models.sonnet.prices.output=15", "llm.resilience.models.haiku.provider=fake",
		"llm.resilience.models.haiku.name=haiku-model", "llm.resilience.models.haiku.max-output-tokens=10",
		"llm.resilience.models.haiku.prices.input=1", "llm.resilience.models.haiku.prices.output=5",
		"llm.resilience.chains.default[0]=sonnet", "llm.resilience.chains.default[1]=haiku",
		"llm.resilience.retry.max-attempts=1", "llm.resilience.cost.tags.tenant=acme,globex",
		"llm.resilience.cost.budgets.tenants.limit=0.00007", "llm.resilience.cost.budgets.tenants.tags.tenant=acme",
		"llm.resilience.cost.budgets.tenants.period=day", "llm.resilience.cost.budgets.tenants.time-zone=Europe/Paris",
		"llm.resilience.cost.budgets.sonnet.limit=0.0001", "llm.resilience.cost.budgets.sonnet.model=sonnet",
		"llm.resilience.cost.budgets.sonnet.period=day", "llm.resilience.cost.budgets.sonnet.action=skip",
		"llm.resilience.cost.budgets.everything.limit=0.0002", "llm.resilience.cost.budgets.everything.action=warn",
		"management.endpoints.web.exposure.include=llm" })
class SpendBudgetsIntegrationTests {

	private static final FakeProviderServer fake = FakeProviderServer.start();

	@Autowired
	private LlmTemplate template;

	@Autowired
	private MutableClock clock;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private WebTestClient webTestClient;

	@DynamicPropertySource
	static void fakeProvider(DynamicPropertyRegistry registry) {
		registry.add("llm.resilience.providers.fake.base-url", fake::baseUrl);
	}

	@AfterAll
	static void stopFake() {
		fake.close();
	}

	@Test
	void budgetsRefuseSkipAndWarnAndTheEndpointAndMetersShowThem() {
		fake.defaults().inputTokens(10).pieces("Hi");
		LlmRequest acme = LlmRequest.builder().user("Hi").tag("tenant", "acme").build();
		// sonnet's estimate, 8 tokens in at 3 and 10 out at 15, is 0.000174: the sonnet
		// budget skips it; haiku's, 8 in at 1 and 10 out at 5, is 0.000058: the tenant's
		// budget lets it go, and it costs 10 in and 1 out, 0.000015
		LlmResponse first = this.template.call(acme).block(Duration.ofSeconds(10));
		assertThat(first.model()).isEqualTo("haiku");
		assertThat(first.attempts().get(0).errorType()).isEqualTo("BudgetExceeded:sonnet");
		assertThat(first.cost().amount()).isEqualByComparingTo("0.000015");
		// 0.000015 spent and 0.000058 estimated would pass the tenant's 0.00007
		assertThatExceptionOfType(LlmBudgetExceededException.class)
			.isThrownBy(() -> this.template.call(acme).block(Duration.ofSeconds(10)))
			.satisfies((error) -> {
				assertThat(error.getBudget()).isEqualTo("tenants");
				assertThat(error.isRequestRefused()).isTrue();
				// midnight in Paris
				assertThat(error.getResetsAt()).isEqualTo("2026-12-03T23:00:00Z");
			});
		// another tenant is not covered by it
		LlmResponse globex = this.template.call(acme.mutate().tag("tenant", "globex").build())
			.block(Duration.ofSeconds(10));
		assertThat(globex.model()).isEqualTo("haiku");
		assertThat(fake.requests().count()).isEqualTo(2);
		this.webTestClient.get()
			.uri("/actuator/llm")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.budgets.tenants.limit")
			.isEqualTo(0.00007)
			.jsonPath("$.budgets.tenants.spent")
			.isEqualTo(0.000015)
			.jsonPath("$.budgets.tenants.currency")
			.isEqualTo("USD")
			.jsonPath("$.budgets.tenants.period")
			.isEqualTo("DAY")
			.jsonPath("$.budgets.tenants.action")
			.isEqualTo("REFUSE")
			.jsonPath("$.budgets.tenants.scope.tags.tenant")
			.isEqualTo("acme")
			.jsonPath("$.budgets.tenants.resetsAt")
			.isEqualTo("2026-12-03T23:00:00Z")
			.jsonPath("$.budgets.tenants.shared")
			.isEqualTo(false)
			.jsonPath("$.budgets.everything.spent")
			.isEqualTo(0.00003)
			.jsonPath("$.budgets.everything.resetsAt")
			.isEqualTo("2027-01-01T00:00:00Z")
			.jsonPath("$.budgets.sonnet.spent")
			.isEqualTo(0);
		assertThat(this.meters.get("llm.cost")
			.tag("llm.model", "haiku")
			.tag("llm.chain", "default")
			.tag("llm.tag.tenant", "acme")
			.counter()
			.count()).isEqualTo(0.000015);
		assertThat(this.meters.get("llm.cost.budget.passed").tag("llm.budget", "sonnet").counter().count())
			.isEqualTo(3);
		assertThat(this.meters.get("llm.cost.budget.passed").tag("llm.budget", "tenants").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("llm.cost.budget.spent").tag("llm.budget", "tenants").gauge().value())
			.isEqualTo(0.000015);
		// midnight in Paris: the tenant may spend again
		this.clock.advance(Duration.ofMinutes(30));
		assertThat(this.template.call(acme).block(Duration.ofSeconds(10)).model()).isEqualTo("haiku");
		assertThat(fake.requests().count()).isEqualTo(3);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		MutableClock clock() {
			// 23:30 in Paris
			return new MutableClock(Instant.parse("2026-12-03T22:30:00Z"));
		}

	}

}
