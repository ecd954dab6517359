package dev.llmresilience.chaos;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.autoconfigure.LlmWebClientCustomizer;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Counts the HTTP exchanges of every provider on the client side, from the request until
 * its response body ends or is given up: the calls in flight now and the most there ever
 * were.
 */
final class UpstreamCalls implements LlmWebClientCustomizer {

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	@Override
	public void customize(String providerId, WebClient.Builder builder) {
		builder.filter(this::count);
	}

	private Mono<ClientResponse> count(ClientRequest request, ExchangeFunction next) {
		return Mono.defer(() -> {
			AtomicBoolean ended = new AtomicBoolean();
			Runnable end = () -> {
				if (ended.compareAndSet(false, true)) {
					this.inFlight.decrementAndGet();
				}
			};
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			return next.exchange(request)
				// at the body's end, before its signal runs on downstream: that may
				// already start
				// the next request's call, which would be counted twice otherwise
				.map((response) -> response.mutate().body((body) -> body.doOnTerminate(end).doOnCancel(end)).build())
				.doOnError((error) -> end.run())
				.doOnCancel(end);
		});
	}

	int inFlight() {
		return this.inFlight.get();
	}

	int maxInFlight() {
		return this.maxInFlight.get();
	}

}
