package dev.llmresilience.sample.simulator;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChatCompletionsWireFormat}.
 */
class ChatCompletionsWireFormatTests {

	@Test
	void writesDurationsInTheNotationOfGoRoundedUpToTheMillisecond() {
		assertThat(ChatCompletionsWireFormat.goDuration(Duration.ZERO)).isEqualTo("0s");
		assertThat(ChatCompletionsWireFormat.goDuration(Duration.ofNanos(1))).isEqualTo("1ms");
		assertThat(ChatCompletionsWireFormat.goDuration(Duration.ofMillis(250))).isEqualTo("250ms");
		assertThat(ChatCompletionsWireFormat.goDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
		assertThat(ChatCompletionsWireFormat.goDuration(Duration.ofMillis(59_999).plusNanos(1))).isEqualTo("1m0s");
		assertThat(ChatCompletionsWireFormat.goDuration(Duration.ofMillis(61_025))).isEqualTo("1m1.025s");
		assertThat(ChatCompletionsWireFormat.goDuration(Duration.ofSeconds(3723))).isEqualTo("1h2m3s");
		assertThat(ChatCompletionsWireFormat.goDuration(Duration.ofHours(2))).isEqualTo("2h0m0s");
	}

	@Test
	void mapsStopReasonsToFinishReasons() {
		assertThat(ChatCompletionsWireFormat.finishReason(new SimulatedAnswer(List.of("a"), "end_turn", null)))
			.isEqualTo("stop");
		assertThat(ChatCompletionsWireFormat.finishReason(new SimulatedAnswer(List.of("a"), "max_tokens", null)))
			.isEqualTo("length");
		assertThat(ChatCompletionsWireFormat.finishReason(new SimulatedAnswer(List.of("{}"), "tool_use", "t")))
			.isEqualTo("tool_calls");
	}

}
