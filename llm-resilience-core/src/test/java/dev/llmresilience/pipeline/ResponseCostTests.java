package dev.llmresilience.pipeline;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.llmresilience.LlmAttempt;
import dev.llmresilience.LlmAttempt.Outcome;
import dev.llmresilience.LlmCost;
import dev.llmresilience.LlmDeployment;
import dev.llmresilience.LlmPrices;
import dev.llmresilience.LlmRequest;
import dev.llmresilience.LlmResponse;
import dev.llmresilience.LlmStreamEvent;
import dev.llmresilience.LlmUsage;
import dev.llmresilience.error.LlmStreamInterruptedException;
import dev.llmresilience.test.FakeProviderServer;
import dev.llmresilience.test.FakeReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests that every answer carries its cost, over HTTP against the fake provider, for both
 * wire formats, called and streamed: the tokens each provider reports, its prompt-cache
 * tokens included, priced at the answering deployment's prices; errors that providers do
 * not bill cost nothing; a stream that breaks off after its content began is billed an
 * estimate; and a model without prices costs an unknown amount, never zero.
 */
class ResponseCostTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** 3 in, 15 out, 3.75 cache writes, 0.30 cache reads, per million. */
	private static final LlmPrices CLAUDE_PRICES = new LlmPrices("USD", new LlmPrices.Rates(new BigDecimal("3"),
			new BigDecimal("15"), new BigDecimal("3.75"), new BigDecimal("0.30")));

	/** 2.50 in, 10 out, 1.25 cached, per million; OpenAI bills no cache writes. */
	private static final LlmPrices GPT_PRICES = new LlmPrices("USD",
			new LlmPrices.Rates(new BigDecimal("2.50"), new BigDecimal("10"), null, new BigDecimal("1.25")));

	/** 20 uncached input, 100 written to the cache, 5,000 read from it, 30 output. */
	private static final String MESSAGE = """
			{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
			"content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,
			"usage":{"input_tokens":20,"cache_creation_input_tokens":100,"cache_read_input_tokens":5000,
			"output_tokens":30}}""";

	private static final String MESSAGE_STREAM = """
			event: message_start
			data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"cache_creation_input_tokens":100,"cache_read_input_tokens":5000,"output_tokens":1}}}

			event: content_block_start
			data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

			event: content_block_delta
			data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

			event: content_block_stop
			data: {"type":"content_block_stop","index":0}

			event: message_delta
			data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":30}}

			event: message_stop
			data: {"type":"message_stop"}

			""";

	/** 5,120 prompt tokens of which 5,000 cached, 30 completion tokens. */
	private static final String COMPLETION = """
			{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",
			"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
			"usage":{"prompt_tokens":5120,"completion_tokens":30,"total_tokens":5150,
			"prompt_tokens_details":{"cached_tokens":5000}}}""";

	private static final String COMPLETION_STREAM = """
			data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}

			data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

			data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":5120,"completion_tokens":30,"total_tokens":5150,"prompt_tokens_details":{"cached_tokens":5000}}}

			data: [DONE]

			""";

	private static FakeProviderServer fake;

	@BeforeAll
	static void startFake() {
		fake = FakeProviderServer.start();
	}

	@AfterAll
	static void stopFake() {
		fake.close();
	}

	@BeforeEach
	void resetFake() {
		fake.reset();
	}

	@Test
	void anthropicAnswerIsPricedWithItsCacheWritesAndReads() {
		fake.respondWith((request) -> FakeReply.json(200, MESSAGE));
		try (LlmResilience llm = claudeThenGpt().build()) {
			LlmResponse response = llm.template()
				.call(LlmRequest.builder().user("Hi").model("claude").build())
				.block(TIMEOUT);
			// LlmUsage adds the cache tokens into the input: 5,120 of which 100 written
			// and 5,000 read
			assertThat(response.usage()).isEqualTo(new LlmUsage(5120, 30, 100, 5000));
			// 20 * 3 + 100 * 3.75 + 5000 * 0.30 + 30 * 15 = 2385 per million
			assertThat(response.cost()).isEqualTo(usd("0.002385"));
			assertThat(response.attempts()).extracting(LlmAttempt::cost).containsExactly(usd("0.002385"));
		}
	}

	@Test
	void anthropicStreamCompletionCarriesTheSameCost() {
		fake.respondWith((request) -> FakeReply.raw(200, "text/event-stream", bytes(MESSAGE_STREAM)));
		try (LlmResilience llm = claudeThenGpt().build()) {
			LlmResponse response = completion(llm, LlmRequest.builder().user("Hi").model("claude").build());
			assertThat(response.usage()).isEqualTo(new LlmUsage(5120, 30, 100, 5000));
			assertThat(response.cost()).isEqualTo(usd("0.002385"));
		}
	}

	@Test
	void openAiAnswerPricesItsCachedTokensAsCacheReads() {
		fake.respondWith((request) -> FakeReply.json(200, COMPLETION));
		try (LlmResilience llm = claudeThenGpt().build()) {
			LlmResponse response = llm.template()
				.call(LlmRequest.builder().user("Hi").model("gpt").build())
				.block(TIMEOUT);
			// OpenAI's prompt tokens hold the cached ones already: 120 uncached, 5,000
			// read
			assertThat(response.usage()).isEqualTo(new LlmUsage(5120, 30, 0, 5000));
			// 120 * 2.50 + 5000 * 1.25 + 30 * 10 = 6850 per million
			assertThat(response.cost()).isEqualTo(usd("0.00685"));
		}
	}

	@Test
	void openAiStreamCompletionCarriesTheSameCost() {
		fake.respondWith((request) -> FakeReply.raw(200, "text/event-stream", bytes(COMPLETION_STREAM)));
		try (LlmResilience llm = claudeThenGpt().build()) {
			LlmResponse response = completion(llm, LlmRequest.builder().user("Hi").model("gpt").build());
			assertThat(response.usage()).isEqualTo(new LlmUsage(5120, 30, 0, 5000));
			assertThat(response.cost()).isEqualTo(usd("0.00685"));
		}
	}

	@Test
	void errorsBeforeTheAnswerCostNothingAndTheFallbackAnswerIsPriced() {
		fake.model("claude-sonnet-4-5").reply(FakeReply.error(529));
		fake.model("gpt-4o").inputTokens(1000).pieces("Hello", " there");
		try (LlmResilience llm = claudeThenGpt().build()) {
			LlmResponse response = llm.template().call("Hi").block(TIMEOUT);
			assertThat(response.model()).isEqualTo("gpt");
			assertThat(response.attempts()).extracting(LlmAttempt::outcome, LlmAttempt::cost)
				.containsExactly(tuple(Outcome.FAILURE, LlmCost.NONE), tuple(Outcome.FAILURE, LlmCost.NONE),
						tuple(Outcome.SUCCESS, usd("0.00252")));
			// 1000 * 2.50 + 2 * 10 per million
			assertThat(response.cost()).isEqualTo(usd("0.00252"));
		}
	}

	@Test
	void modelWithoutPricesCostsAnUnknownAmountNeverZero() {
		fake.model("claude-sonnet-4-5").reply(FakeReply.error(529));
		try (LlmResilience llm = FakeProviderChains.builder(fake)
			.model("claude", "anthropic", "claude-sonnet-4-5", 1000)
			.model("llama", "openai", "llama3.2", 1000)
			.prices("claude", CLAUDE_PRICES)
			.chain("default", "claude", "llama")
			.build()) {
			LlmResponse response = llm.template().call("Hi").block(TIMEOUT);
			assertThat(response.model()).isEqualTo("llama");
			assertThat(response.cost()).isSameAs(LlmCost.UNKNOWN);
			assertThat(response.cost().amount()).isNull();
			assertThat(response.attempts().get(2).cost()).isSameAs(LlmCost.UNKNOWN);
		}
	}

	@Test
	void streamBrokenAfterItsContentBeganIsBilledAnEstimate() {
		fake.model("gpt-4o").pieces("abcd", "efgh", "ijkl").reply(FakeReply.cutOffStream(2));
		LlmRequest request = LlmRequest.builder().user("Hi").model("gpt").build();
		try (LlmResilience llm = claudeThenGpt().build()) {
			assertThatExceptionOfType(LlmStreamInterruptedException.class)
				.isThrownBy(() -> llm.template().stream(request).blockLast(TIMEOUT))
				.satisfies((error) -> {
					assertThat(error.getPartialText()).isEqualTo("abcdefgh");
					// the request's estimated input, and 8 characters of output: 2
					// tokens
					long input = request.estimatedInputTokens();
					LlmCost expected = GPT_PRICES.cost(new LlmUsage(input, 2)).asEstimate();
					assertThat(error.getCost()).isEqualTo(expected);
					assertThat(error.getCost().isEstimated()).isTrue();
					assertThat(error.getCost().picoUnits()).isPositive();
				});
		}
	}

	@Test
	void deploymentWithPricesOfItsOwnIsPricedByThem() {
		LlmPrices discounted = new LlmPrices("USD", new LlmPrices.Rates(new BigDecimal("1"), new BigDecimal("5")));
		fake.model("gpt-4o").inputTokens(1000).pieces("Hello", " there");
		try (LlmResilience llm = claudeThenGpt()
			.deployment("gpt", new LlmDeployment("reserved", "openai", "gpt-4o", 1, discounted))
			.build()) {
			LlmResponse response = llm.template()
				.call(LlmRequest.builder().user("Hi").model("gpt").build())
				.block(TIMEOUT);
			// 1000 * 1 + 2 * 5 per million
			assertThat(response.cost()).isEqualTo(usd("0.00101"));
			assertThat(response.attempts()).extracting(LlmAttempt::deployment).containsExactly("reserved");
		}
	}

	private static LlmResilience.Builder claudeThenGpt() {
		return FakeProviderChains.builder(fake)
			.model("claude", "anthropic", "claude-sonnet-4-5", 1000)
			.model("gpt", "openai", "gpt-4o", 1000)
			.prices("claude", CLAUDE_PRICES)
			.prices("gpt", GPT_PRICES)
			.chain("default", "claude", "gpt");
	}

	private static LlmResponse completion(LlmResilience llm, LlmRequest request) {
		LlmStreamEvent last = llm.template().stream(request).blockLast(TIMEOUT);
		assertThat(last).isInstanceOf(LlmStreamEvent.Completion.class);
		return ((LlmStreamEvent.Completion) last).response();
	}

	private static LlmCost usd(String amount) {
		return LlmCost.of(new BigDecimal(amount), "USD");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
