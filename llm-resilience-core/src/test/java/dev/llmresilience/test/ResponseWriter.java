package dev.llmresilience.test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmresilience.test.ResponsePlan.Ending;
import dev.llmresilience.test.ResponsePlan.Part;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Sends a {@link ResponsePlan} and counts its request out of flight: just before the last
 * bytes of the response are handed to the connection, before a connection is closed on
 * purpose, or when the client closes it, whichever comes first.
 */
final class ResponseWriter {

	private ResponseWriter() {
	}

	/**
	 * Send a response.
	 * @param plan what to send
	 * @param response the response to write
	 * @param log counts the request out of flight
	 * @param heldGate completes when held replies may go
	 * @return completes when the response is sent, or never for one that hangs or stalls
	 */
	static Mono<Void> write(ResponsePlan plan, HttpServerResponse response, RequestLog log, Mono<Void> heldGate) {
		InFlight inFlight = new InFlight(log);
		response.withConnection((connection) -> inFlight.endWhenClosed(connection.channel()));
		Mono<Void> wait = plan.delay().isZero() ? Mono.empty() : Mono.delay(plan.delay()).then();
		if (plan.held()) {
			wait = wait.then(heldGate);
		}
		return wait.then(Mono.defer(() -> send(plan, response, inFlight))).doFinally((signal) -> inFlight.run());
	}

	private static Mono<Void> send(ResponsePlan plan, HttpServerResponse response, Runnable end) {
		if (plan.ending() == Ending.HANG) {
			return Mono.never();
		}
		if (plan.ending() == Ending.RESET) {
			end.run();
			return close(response, true);
		}
		response.status(plan.status());
		plan.headers().forEach(response::header);
		if (plan.contentLength() >= 0) {
			response.header("content-length", Long.toString(plan.contentLength()));
		}
		List<Part> parts = plan.parts();
		if (parts.isEmpty() && plan.ending() == Ending.COMPLETE) {
			end.run();
			return response.send().then();
		}
		Flux<byte[]> body = Flux.range(0, parts.size()).concatMap((index) -> {
			Part part = parts.get(index);
			Mono<byte[]> bytes = Mono.fromSupplier(() -> {
				if (index == parts.size() - 1 && plan.ending() == Ending.COMPLETE) {
					end.run();
				}
				return part.bytes();
			});
			return part.pause().isZero() ? bytes : Mono.delay(part.pause()).then(bytes);
		});
		return switch (plan.ending()) {
			case CLOSE -> response.sendByteArray(body).then().then(Mono.defer(() -> {
				end.run();
				return close(response, false);
			}));
			case STALL -> response.sendByteArray(body.concatWith(Flux.never())).then();
			default -> response.sendByteArray(body).then();
		};
	}

	/**
	 * Close the connection; reset it (SO_LINGER 0, then closed, so the client gets an RST
	 * rather than a FIN) if asked.
	 */
	private static Mono<Void> close(HttpServerResponse response, boolean reset) {
		return Mono.create((sink) -> response.withConnection((connection) -> {
			if (reset) {
				connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
			}
			connection.channel().close().addListener((future) -> sink.success());
		}));
	}

	/**
	 * One request in flight, counted out once.
	 */
	private static final class InFlight implements Runnable, ChannelFutureListener {

		private final RequestLog log;

		private final AtomicBoolean ended = new AtomicBoolean();

		private volatile Channel channel;

		InFlight(RequestLog log) {
			this.log = log;
		}

		void endWhenClosed(Channel channel) {
			this.channel = channel;
			channel.closeFuture().addListener(this);
		}

		@Override
		public void run() {
			if (this.ended.compareAndSet(false, true)) {
				this.log.ended();
				Channel channel = this.channel;
				if (channel != null) {
					// a keep-alive connection serves many requests: leave no
					// listener behind
					channel.closeFuture().removeListener(this);
				}
			}
		}

		@Override
		public void operationComplete(ChannelFuture future) {
			run();
		}

	}

}
