package dev.llmresilience.queue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.llmresilience.LlmModel;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.budget.LocalRateBudget;
import dev.llmresilience.budget.ProviderPacer;
import dev.llmresilience.deadline.Deadline;
import dev.llmresilience.provider.LlmProvider;
import dev.llmresilience.provider.ProviderConnectors;
import dev.llmresilience.provider.ProviderSettings;
import dev.llmresilience.provider.anthropic.AnthropicProvider;
import dev.llmresilience.provider.openai.OpenAiProvider;
import dev.llmresilience.resilience.FallbackChain;
import dev.llmresilience.resilience.LlmErrorClassifier;
import dev.llmresilience.resilience.ModelCatalog;
import dev.llmresilience.resilience.ModelExecutor;
import dev.llmresilience.test.VirtualTime;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a call's token reservation is settled with the tokens its provider counts
 * against its rate limits, over real HTTP: Anthropic leaves the tokens read from its
 * prompt cache out of its input-tokens-per-minute limit, OpenAI counts its cached tokens
 * like any other. The budgets refill on virtual time, which stands still while the calls
 * are made.
 */
@ExtendWith(VirtualTime.class)
class PromptCacheSettlementTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

	private static final long BUDGET = 100_000;

	private static final LlmModel CLAUDE = new LlmModel("claude", "anthropic", "claude-haiku-4-5", 1000, null);

	private static final LlmModel GPT = new LlmModel("gpt", "openai", "gpt-4o-mini", 1000, null);

	private static final String MESSAGE = """
			{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
			"content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,
			"usage":{"input_tokens":20,"cache_creation_input_tokens":100,"cache_read_input_tokens":5000,
			"output_tokens":30}}""";

	private static final String MESSAGE_STREAM = """
			event: message_start
			data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"cache_creation_input_tokens":100,"cache_read_input_tokens":5000,"output_tokens":1}}}

			event: content_block_delta
			data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

			event: message_delta
			data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":30}}

			event: message_stop
			data: {"type":"message_stop"}

			""";

	private static final String COMPLETION = """
			{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini-2024-07-18",
			"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
			"usage":{"prompt_tokens":5120,"completion_tokens":30,"total_tokens":5150,
			"prompt_tokens_details":{"cached_tokens":5000}}}""";

	@RegisterExtension
	static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final LocalRateBudget anthropicBudget = new LocalRateBudget(0, BUDGET);

	private final LocalRateBudget openAiBudget = new LocalRateBudget(0, BUDGET);

	private FallbackChain chain;

	@BeforeEach
	void chainOverBothProviders() {
		ProviderPacer pacer = new ProviderPacer(Map.of("anthropic", this.anthropicBudget, "openai", this.openAiBudget),
				Map.of(), CLOCK, Duration.ofSeconds(60));
		Map<String, LlmProvider> providers = new LinkedHashMap<>();
		providers.put("anthropic", new AnthropicProvider(settings("anthropic", wm.baseUrl()), "2023-06-01",
				webClient(settings("anthropic", wm.baseUrl())), new ObjectMapper(), CLOCK));
		providers.put("openai", new OpenAiProvider(settings("openai", wm.baseUrl() + "/v1"),
				webClient(settings("openai", wm.baseUrl() + "/v1")), new ObjectMapper(), CLOCK));
		ModelCatalog catalog = new ModelCatalog(providers, Map.of(CLAUDE.id(), CLAUDE, GPT.id(), GPT),
				Map.of("claude", List.of(CLAUDE.id()), "gpt", List.of(GPT.id())), null);
		Map<String, ModelExecutor> executors = new LinkedHashMap<>();
		for (LlmModel model : List.of(CLAUDE, GPT)) {
			executors.put(model.id(),
					new ModelExecutor(model, catalog.providerOf(model), CircuitBreaker.ofDefaults(model.id()),
							Retry.ofDefaults(model.id()), pacer, ObservationRegistry.NOOP));
		}
		this.chain = new FallbackChain(catalog, executors, new LlmErrorClassifier(true));
	}

	@Test
	void anthropicCallIsSettledWithoutTheTokensReadFromThePromptCache() {
		wm.stubFor(post("/v1/messages")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(MESSAGE)));
		LlmResponse response = this.chain.call(request("claude"), Deadline.none()).block(TIMEOUT);
		assertThat(response.usage()).isEqualTo(new LlmUsage(5120, 30, 100, 5000));
		// input_tokens and cache_creation_input_tokens count, cache_read_input_tokens do
		// not
		assertThat(this.anthropicBudget.availableTokens()).isEqualTo(BUDGET - (20 + 100 + 30));
	}

	@Test
	void anthropicStreamIsSettledWithoutTheTokensReadFromThePromptCache() {
		wm.stubFor(post("/v1/messages")
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(MESSAGE_STREAM)));
		List<LlmStreamEvent> events = this.chain.stream(request("claude"), Deadline.none())
			.collectList()
			.block(TIMEOUT);
		LlmResponse response = ((LlmStreamEvent.Completion) events.get(events.size() - 1)).response();
		assertThat(response.usage()).isEqualTo(new LlmUsage(5120, 30, 100, 5000));
		assertThat(this.anthropicBudget.availableTokens()).isEqualTo(BUDGET - (20 + 100 + 30));
	}

	@Test
	void openAiCallIsSettledWithItsCachedTokens() {
		wm.stubFor(post("/v1/chat/completions")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION)));
		LlmResponse response = this.chain.call(request("gpt"), Deadline.none()).block(TIMEOUT);
		assertThat(response.usage()).isEqualTo(new LlmUsage(5120, 30, 0, 5000));
		assertThat(this.openAiBudget.availableTokens()).isEqualTo(BUDGET - 5150);
	}

	private static LlmRequest request(String chain) {
		return LlmRequest.builder().chain(chain).user("Hello").maxTokens(50).build();
	}

	private static ProviderSettings settings(String id, String baseUrl) {
		return new ProviderSettings(id, URI.create(baseUrl), "test-key", Map.of(), Duration.ofSeconds(2),
				Duration.ofSeconds(5), Duration.ofSeconds(5));
	}

	private static WebClient.Builder webClient(ProviderSettings settings) {
		return WebClient.builder().clientConnector(ProviderConnectors.connector(settings, null));
	}

}
