package dev.llmresilience.routing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.LlmDeployment;
import dev.llmresilience.LlmModel;
import dev.llmresilience.RateLimitStatus;
import dev.llmresilience.provider.LlmProvider;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.lang.Nullable;

/**
 * A deployment of a model at run time: the model as it serves it, its provider and
 * circuit breaker, and what routing learns of it: the calls in flight, the moving average
 * of its latency and its provider's last rate-limit headers.
 */
public final class Deployment {

	/** The weight of the latest sample in the moving average of the latency. */
	private static final double LATENCY_SMOOTHING = 0.2;

	private final LlmDeployment deployment;

	private final String key;

	private final LlmModel model;

	private final LlmProvider provider;

	private final CircuitBreaker circuitBreaker;

	private final AtomicInteger inFlight = new AtomicInteger();

	/** The moving average in nanoseconds, negative until the first sample. */
	private volatile double latencyNanos = -1;

	private volatile RateLimitStatus rateLimits = RateLimitStatus.NONE;

	/**
	 * Create a new instance.
	 * @param deployment the deployment as configured
	 * @param key the name of its breaker and budget: the model id for the one deployment
	 * of a model configured without deployments, {@code model/deployment} otherwise
	 * @param model the model it serves
	 * @param provider its provider
	 * @param circuitBreaker its circuit breaker
	 */
	public Deployment(LlmDeployment deployment, String key, LlmModel model, LlmProvider provider,
			CircuitBreaker circuitBreaker) {
		this.deployment = deployment;
		this.key = key;
		this.model = deployment.serve(model);
		this.provider = provider;
		this.circuitBreaker = circuitBreaker;
	}

	/**
	 * Return the deployment's name.
	 * @return the name
	 */
	public String name() {
		return this.deployment.name();
	}

	/**
	 * Return whether it is the one deployment of a model configured without deployments.
	 * @return whether it stands for the model itself
	 */
	public boolean isImplicit() {
		return this.key.equals(this.model.id());
	}

	/**
	 * Return the name of its circuit breaker and rate budget.
	 * @return the key
	 */
	public String key() {
		return this.key;
	}

	/**
	 * Return its weight under weighted routing.
	 * @return the weight
	 */
	public int weight() {
		return this.deployment.weight();
	}

	/**
	 * Return the model as this deployment serves it: its provider and model name.
	 * @return the model to send to {@link #provider()}
	 */
	public LlmModel model() {
		return this.model;
	}

	/**
	 * Return its provider.
	 * @return the provider
	 */
	public LlmProvider provider() {
		return this.provider;
	}

	/**
	 * Return its circuit breaker.
	 * @return the breaker
	 */
	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Return whether its breaker lets calls through now (closed or half open).
	 * @return whether calls are permitted
	 */
	public boolean permitsCalls() {
		CircuitBreaker.State state = this.circuitBreaker.getState();
		return state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN;
	}

	/**
	 * Return the calls of this application in flight to it.
	 * @return the number of calls
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Return the moving average of its time to first content.
	 * @return the latency, or {@code null} before the first answer
	 */
	@Nullable
	public Duration latency() {
		double nanos = this.latencyNanos;
		return (nanos >= 0) ? Duration.ofNanos((long) nanos) : null;
	}

	/**
	 * Return its provider's last rate-limit headers.
	 * @return the headers, {@link RateLimitStatus#NONE} before the first
	 */
	public RateLimitStatus rateLimits() {
		return this.rateLimits;
	}

	/**
	 * Note that a call to it starts.
	 */
	public void started() {
		this.inFlight.incrementAndGet();
	}

	/**
	 * Note that a call to it ended, however it ended.
	 */
	public void ended() {
		this.inFlight.decrementAndGet();
	}

	/**
	 * Note the time to first content of a call.
	 * @param latency the time
	 */
	public void measured(Duration latency) {
		double sample = latency.toNanos();
		double average = this.latencyNanos;
		// two threads may each add a sample at once: the average keeps one of them
		this.latencyNanos = (average < 0) ? sample : average + LATENCY_SMOOTHING * (sample - average);
	}

	/**
	 * Note the rate-limit headers of an answer.
	 * @param rateLimits the headers
	 */
	public void answered(RateLimitStatus rateLimits) {
		if (rateLimits.isPresent()) {
			this.rateLimits = rateLimits;
		}
	}

	/**
	 * Return the share of its provider's rate limits left, as its last headers said: the
	 * lower of the request and token shares, 1 where they say nothing.
	 * @return a share from 0 to 1
	 */
	double remainingShareByHeaders() {
		RateLimitStatus limits = this.rateLimits;
		return Math.min(share(limits.requestsRemaining(), limits.requestsLimit()),
				share(limits.tokensRemaining(), limits.tokensLimit()));
	}

	private static double share(@Nullable Long remaining, @Nullable Long limit) {
		if (remaining == null || limit == null || limit <= 0) {
			return 1;
		}
		return Math.max(0, Math.min(1, (double) remaining / limit));
	}

	@Override
	public String toString() {
		return "Deployment{key=" + this.key + ", provider=" + this.provider.id() + ", circuitBreaker="
				+ this.circuitBreaker.getState() + "}";
	}

}
