package dev.llmresilience.sample.simulator;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static dev.llmresilience.test.ReactiveTestTimeout.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MessageStream}.
 */
class MessageStreamTests {

	// "Hello from m. You said: "hi". This is a simulated answer." is 11 words: 11 deltas.
	private final SimulatedRequest request = new SimulatedRequest("m", 100, true, 1, "hi", 0, List.of(), List.of(),
			"auto", null, null);

	private final SimulatedAnswer answer = SimulatedAnswer.of(this.request);

	@Test
	void spacesTheDeltasByTheChunkInterval() {
		Duration chunkInterval = Duration.ofSeconds(1);
		StepVerifier.withVirtualTime(() -> MessageStream.complete("msg_1", this.request, this.answer, chunkInterval))
			.expectNextCount(3)
			.expectNoEvent(Duration.ofSeconds(1))
			.assertNext((event) -> assertThat(event.data().path("delta").path("text").asText()).isEqualTo("Hello "))
			.thenAwait(Duration.ofSeconds(10))
			// 10 more deltas, 2 pings, content_block_stop, message_delta, message_stop
			.expectNextCount(15)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void breaksOffAfterHalfTheDeltasWithAnErrorEvent() {
		StepVerifier
			.create(MessageStream.brokenOff("msg_1", this.request, this.answer, Duration.ZERO)
				.map(MessageStream.Event::name))
			.expectNext("message_start", "content_block_start", "ping")
			.expectNext("content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
					"content_block_delta")
			.expectNext("error")
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void writesAnEventAsEventAndDataLines() {
		MessageStream.Event ping = new MessageStream.Event(MessagesWireFormat.ping());
		assertThat(ping.toSse()).isEqualTo("event: ping\ndata: {\"type\":\"ping\"}\n\n");
	}

}
