package dev.llmresilience.sample.simulator;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A response that is no response: the TCP connection is reset, as when a load balancer or
 * the provider's front end drops a request. Needs Reactor Netty, whose native request is
 * the connection itself.
 */
final class ConnectionReset {

	private ConnectionReset() {
	}

	static Mono<ServerResponse> response() {
		return ServerResponse.ok().build((exchange, context) -> {
			reset(exchange.getRequest());
			return Mono.empty();
		});
	}

	private static void reset(ServerHttpRequest request) {
		Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
		Assert.state(nativeRequest instanceof Connection,
				() -> "Resetting a connection needs Reactor Netty, not " + nativeRequest.getClass().getName());
		Channel channel = ((Connection) nativeRequest).channel();
		// A zero linger time makes close() send RST instead of FIN: the client sees a
		// reset, not an
		// orderly end of the response.
		channel.config().setOption(ChannelOption.SO_LINGER, 0);
		channel.close();
	}

}
