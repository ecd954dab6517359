package dev.llmresilience.provider;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.codec.ServerSentEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventStreamParser}: the parts of the event stream format it reads, the
 * same events however the body is split into buffers, and the limit on the size of one
 * event.
 */
class EventStreamParserTests {

	private static final int LIMIT = 256 * 1024;

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@Test
	void eventAndDataFieldsEndAtABlankLine() {
		assertThat(parse("event: greeting\ndata: hello\n\n")).containsExactly(event("greeting", "hello"));
	}

	@Test
	void onlyOneSpaceAfterTheColonIsDropped() {
		assertThat(parse("data:no space\n\ndata:  two spaces\n\ndata:\n\n")).containsExactly(event(null, "no space"),
				event(null, " two spaces"), event(null, ""));
	}

	@Test
	void dataLinesAreJoinedWithLineFeeds() {
		// a data field without a colon is an empty line of data
		assertThat(parse("data: {\ndata:   \"a\": 1\ndata\ndata: }\n\n"))
			.containsExactly(event(null, "{\n  \"a\": 1\n\n}"));
	}

	@Test
	void eventWithoutDataHasNoData() {
		assertThat(parse("event: ping\n\n")).containsExactly(event("ping", null));
	}

	@Test
	void commentsIdRetryAndUnknownFieldsAreSkipped() {
		assertThat(parse(": keep-alive\n\nid: 7\nretry: 1000\nunknown: x\n\n"
				+ "event: a\n: inside\nid: 8\nretry: 5\ndata: b\n\n"))
			.containsExactly(event("a", "b"));
	}

	@Test
	void fieldNamesMustMatchExactly() {
		assertThat(parse("Data: x\ndata : y\ndatas: z\nevent: a\n\n")).containsExactly(event("a", null));
	}

	@Test
	void lfCrlfAndLoneCrEndLines() {
		assertThat(parse("event: a\ndata: 1\n\nevent: b\r\ndata: 2\r\n\r\nevent: c\rdata: 3\r\rdata: 4\r\n\n"))
			.containsExactly(event("a", "1"), event("b", "2"), event("c", "3"), event(null, "4"));
	}

	@Test
	void crAtTheEndOfOneBufferAndLfAtTheStartOfTheNextEndOneLine() {
		assertThat(parse(LIMIT, "data: a\r", "\ndata: b\r", "\n\r", "\n")).containsExactly(event(null, "a\nb"));
	}

	@Test
	void crLfSplitByAnEmptyBufferEndOneLine() {
		assertThat(parse(LIMIT, "data: a\r", "", "\n", "data: b\r\n\r", "", "\n")).containsExactly(event(null, "a\nb"));
	}

	@Test
	void crAtTheEndOfOneBufferAndCrAtTheStartOfTheNextEndAnEvent() {
		assertThat(parse(LIMIT, "data: a\r", "\r", "data: b\r\r")).containsExactly(event(null, "a"), event(null, "b"));
	}

	@Test
	void multiByteCharactersSplitAcrossBuffersAreDecodedWhole() {
		String text = "caf\u00e9 \u20ac \uD83D\uDE00 \u00fc";
		byte[] body = bytes("event: \u00fcn\u00efcode\ndata: " + text + "\n\n");
		assertThat(parse(LIMIT, oneByteEach(body))).containsExactly(event("\u00fcn\u00efcode", text));
	}

	@Test
	void everySplitOfABodyGivesTheSameEvents() {
		byte[] body = bytes("event: message_start\r\ndata: {\"a\":\"\u00e9\u20ac\uD83D\uDE00\"}\r\n\r\n: comment\n\n"
				+ "event: delta\rdata: x\rdata:y\r\rid: 1\ndata\ndata: last");
		List<ServerSentEvent<String>> expected = List.of(event("message_start", "{\"a\":\"\u00e9\u20ac\uD83D\uDE00\"}"),
				event("delta", "x\ny"), event(null, "\nlast"));
		assertThat(parse(LIMIT, body)).isEqualTo(expected);
		assertThat(parse(LIMIT, oneByteEach(body))).isEqualTo(expected);
		for (int first = 0; first <= body.length; first++) {
			for (int second = first; second <= body.length; second++) {
				List<byte[]> pieces = List.of(Arrays.copyOfRange(body, 0, first),
						Arrays.copyOfRange(body, first, second), Arrays.copyOfRange(body, second, body.length));
				assertThat(parse(LIMIT, pieces)).as("split at %d and %d", first, second).isEqualTo(expected);
			}
		}
	}

	@Test
	void malformedUtf8IsReplacedInEverySplit() {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(bytes("data: a"));
		body.write(0xC3);
		body.writeBytes(bytes("b\ndata: "));
		body.write(0xFF);
		body.writeBytes(bytes("\n\n"));
		byte[] bytes = body.toByteArray();
		List<ServerSentEvent<String>> expected = List.of(event(null, "a\uFFFDb\n\uFFFD"));
		for (int split = 0; split <= bytes.length; split++) {
			assertThat(
					parse(LIMIT, Arrays.copyOfRange(bytes, 0, split), Arrays.copyOfRange(bytes, split, bytes.length)))
				.as("split at %d", split)
				.isEqualTo(expected);
		}
	}

	@Test
	void lastEventWithoutItsBlankLineIsDispatchedAtTheEnd() {
		assertThat(parse("data: a\n\nevent: b\ndata: c\n")).containsExactly(event(null, "a"), event("b", "c"));
		assertThat(parse("data: a\n\ndata: c")).containsExactly(event(null, "a"), event(null, "c"));
		assertThat(parse(LIMIT, "data: c\r")).containsExactly(event(null, "c"));
	}

	@Test
	void emptyBodyGivesNoEvents() {
		assertThat(parse("")).isEmpty();
		assertThat(parse(LIMIT, List.of())).isEmpty();
		assertThat(parse("\n\r\n\r: only a comment\n\n")).isEmpty();
	}

	@Test
	void eventOfExactlyTheLimitIsRead() {
		// 16 bytes without the line ends
		assertThat(parse(16, "event: a\r\ndata: bc\r\n\r\n")).containsExactly(event("a", "bc"));
		assertThat(parse(16, oneByteEach(bytes("event: a\r\ndata: bc\r\n\r\n")))).containsExactly(event("a", "bc"));
	}

	@Test
	void eventOneByteOverTheLimitFails() {
		StepVerifier.create(EventStreamParser.parse(buffers(List.of(bytes("event: a\ndata: bcd\n\n"))), 16))
			.expectError(DataBufferLimitException.class)
			.verify(TIMEOUT);
		StepVerifier.create(EventStreamParser.parse(buffers(oneByteEach(bytes("event: a\ndata: bcd\n\n"))), 16))
			.expectError(DataBufferLimitException.class)
			.verify(TIMEOUT);
	}

	@Test
	void commentsInAnEventCountTowardsTheLimit() {
		StepVerifier.create(EventStreamParser.parse(buffers(List.of(bytes(": 123456789\ndata: x\n\n"))), 16))
			.expectError(DataBufferLimitException.class)
			.verify(TIMEOUT);
	}

	@Test
	void limitIsForEachEventNotTheBody() {
		String event = "event: a\ndata: bc\n\n";
		assertThat(parse(16, event.repeat(10))).hasSize(10).containsOnly(event("a", "bc"));
	}

	@Test
	void longLineOverManyBuffersFailsAsSoonAsItPassesTheLimit() {
		// no line end ever comes and the body never completes: the limit must be enforced
		// while
		// the line is still open
		List<byte[]> pieces = new ArrayList<>();
		pieces.add(bytes("data: "));
		for (int i = 0; i < 100; i++) {
			pieces.add(bytes("a".repeat(64)));
		}
		StepVerifier.create(EventStreamParser.parse(buffers(pieces).concatWith(Flux.never()), 1000))
			.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(DataBufferLimitException.class)
				.hasMessageContaining("1000 bytes"))
			.verify(TIMEOUT);
	}

	@Test
	void lineLongerThanAnyBufferIsReadWhole() {
		String text = "\u00e9".repeat(40_000);
		List<byte[]> pieces = new ArrayList<>();
		byte[] body = bytes("data: " + text + "\r\n\r\n");
		for (int start = 0; start < body.length; start += 1000) {
			pieces.add(Arrays.copyOfRange(body, start, Math.min(body.length, start + 1000)));
		}
		assertThat(parse(LIMIT, pieces)).containsExactly(event(null, text));
		assertThat(parse(LIMIT, body)).containsExactly(event(null, text));
	}

	@Test
	void buffersAreReleased() {
		NettyDataBufferFactory factory = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
		List<NettyDataBuffer> buffers = new ArrayList<>();
		for (byte[] piece : oneByteEach(bytes("event: a\ndata: b\n\ndata: c\n\n"))) {
			buffers.add(factory.wrap(factory.getByteBufAllocator().buffer(1).writeBytes(piece)));
		}
		StepVerifier.create(EventStreamParser.parse(Flux.fromIterable(buffers), LIMIT))
			.expectNext(event("a", "b"), event(null, "c"))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(buffers).allSatisfy((buffer) -> assertThat(buffer.getNativeBuffer().refCnt()).isZero());
	}

	@Test
	void bufferOverTheLimitIsReleased() {
		NettyDataBufferFactory factory = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
		NettyDataBuffer buffer = factory
			.wrap(factory.getByteBufAllocator().buffer().writeBytes(bytes("data: " + "a".repeat(100) + "\n\n")));
		StepVerifier.create(EventStreamParser.parse(Flux.just(buffer), 50))
			.expectError(DataBufferLimitException.class)
			.verify(TIMEOUT);
		assertThat(buffer.getNativeBuffer().refCnt()).isZero();
	}

	@Test
	void eventsReadBeforeTheBodyFailsReachASlowSubscriberBeforeTheError() {
		Sinks.Many<DataBuffer> body = Sinks.many().unicast().onBackpressureBuffer();
		StepVerifier.create(EventStreamParser.parse(body.asFlux(), LIMIT), 0).then(() -> {
			body.tryEmitNext(DefaultDataBufferFactory.sharedInstance.wrap(bytes("data: a\n\n")));
			body.tryEmitNext(DefaultDataBufferFactory.sharedInstance.wrap(bytes("data: b\n\n")));
			body.tryEmitError(new IllegalStateException("connection reset"));
		})
			.thenRequest(1)
			.expectNext(event(null, "a"))
			.thenRequest(1)
			.expectNext(event(null, "b"))
			.thenRequest(1)
			.expectErrorMessage("connection reset")
			.verify(TIMEOUT);
	}

	private static List<ServerSentEvent<String>> parse(String body) {
		return parse(LIMIT, bytes(body));
	}

	private static List<ServerSentEvent<String>> parse(int limit, String... pieces) {
		return parse(limit, Arrays.stream(pieces).map(EventStreamParserTests::bytes).toList());
	}

	private static List<ServerSentEvent<String>> parse(int limit, byte[]... pieces) {
		return parse(limit, Arrays.asList(pieces));
	}

	private static List<ServerSentEvent<String>> parse(int limit, List<byte[]> pieces) {
		return EventStreamParser.parse(buffers(pieces), limit).collectList().block(TIMEOUT);
	}

	private static Flux<DataBuffer> buffers(List<byte[]> pieces) {
		// a new buffer for each subscription, as a body would give
		return Flux.defer(() -> Flux.fromIterable(pieces).map(DefaultDataBufferFactory.sharedInstance::wrap));
	}

	private static List<byte[]> oneByteEach(byte[] body) {
		List<byte[]> pieces = new ArrayList<>();
		for (byte b : body) {
			pieces.add(new byte[] { b });
		}
		return pieces;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static ServerSentEvent<String> event(String type, String data) {
		ServerSentEvent.Builder<String> event = ServerSentEvent.<String>builder().data(data);
		return (type != null) ? event.event(type).build() : event.build();
	}

}
