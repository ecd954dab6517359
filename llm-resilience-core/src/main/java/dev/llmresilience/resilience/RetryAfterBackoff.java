package dev.llmresilience.resilience;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import dev.llmresilience.error.LlmApiException;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.Either;

/**
 * The wait before the next attempt: the server's own ({@code retry-after-ms} or
 * {@code retry-after}) when it sent one, else the backoff formula. A server asking for
 * more than the longest acceptable wait ends the retries at once, so that the chain falls
 * back instead of sleeping.
 */
public final class RetryAfterBackoff implements IntervalBiFunction<Object> {

	private final IntervalBiFunction<Object> formula;

	private final Duration maxServerWait;

	private final BooleanSupplier readyElsewhere;

	/**
	 * Create a new instance.
	 * @param formula the wait when the server names none, such as resilience4j's
	 * exponential random backoff
	 * @param maxServerWait the longest server-requested wait to honour
	 */
	public RetryAfterBackoff(IntervalBiFunction<Object> formula, Duration maxServerWait) {
		this(formula, maxServerWait, () -> false);
	}

	/**
	 * Create a new instance for a model served by several deployments: the server's wait
	 * is that of the deployment that asked for it, which its provider's hold keeps out of
	 * the next attempt. While another deployment is ready, the retry goes there after the
	 * formula's backoff instead.
	 * @param formula the backoff for errors without a server wait
	 * @param maxServerWait the longest server wait to retry after
	 * @param readyElsewhere whether a deployment of the model can be called now
	 */
	public RetryAfterBackoff(IntervalBiFunction<Object> formula, Duration maxServerWait,
			BooleanSupplier readyElsewhere) {
		this.formula = formula;
		this.maxServerWait = maxServerWait;
		this.readyElsewhere = readyElsewhere;
	}

	@Override
	public Long apply(Integer attempt, Either<Throwable, Object> outcome) {
		if (outcome.isLeft() && outcome.getLeft() instanceof LlmApiException error && error.getRetryAfter() != null
				&& !this.readyElsewhere.getAsBoolean()) {
			Duration serverWait = error.getRetryAfter();
			// resilience4j reads a negative interval as "do not retry"
			return (serverWait.compareTo(this.maxServerWait) > 0) ? -1L : serverWait.toMillis();
		}
		return this.formula.apply(attempt, outcome);
	}

}
