package dev.llmresilience.springai.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmresilience.springai.provider.SpringAiChatModelProvider;

import org.springframework.ai.retry.RetryUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.backoff.BackOff;

/**
 * Ends Spring AI's retry of a chat model call at its first failure when the call is made
 * for an attempt of the pipeline, so that only the pipeline retries and its circuit
 * breaker sees every failure; the same model's other calls keep Spring AI's retry.
 * <p>
 * The Spring Boot 4 generation's own: Spring AI 2.0's models that retry do so with Spring
 * Framework's {@link RetryTemplate} (the auto-configured bean, or {@link RetryUtils}'
 * default), whose policy this veto wraps, where Spring AI 1.1's used Spring Retry. The
 * wrapped policy refuses a retry while the failing call runs
 * {@link SpringAiChatModelProvider#isCallingForAttempt() for an attempt}, and asks the
 * template's own policy otherwise. Models built on a provider's SDK (OpenAI, Anthropic)
 * retry with the SDK's own setting instead, which the application sets to none.
 */
final class AttemptRetryVeto implements BeanPostProcessor {

	/** The retry template this veto is for, which its configuration needs. */
	static final String RETRY_TEMPLATE = "org.springframework.core.retry.RetryTemplate";

	private static final AttemptRetryVeto INSTANCE = new AttemptRetryVeto();

	private static final AtomicBoolean onDefaultTemplate = new AtomicBoolean();

	private AttemptRetryVeto() {
	}

	/**
	 * Return the veto, applied to {@link RetryUtils#DEFAULT_RETRY_TEMPLATE} once per
	 * class loader: that template is shared by every model built without one of its own.
	 */
	static AttemptRetryVeto registered() {
		if (onDefaultTemplate.compareAndSet(false, true)) {
			veto(RetryUtils.DEFAULT_RETRY_TEMPLATE);
		}
		return INSTANCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof RetryTemplate template) {
			veto(template);
		}
		return bean;
	}

	private static void veto(RetryTemplate template) {
		if (!(template.getRetryPolicy() instanceof NoRetryOfAttempts)) {
			template.setRetryPolicy(new NoRetryOfAttempts(template.getRetryPolicy()));
		}
	}

	private record NoRetryOfAttempts(RetryPolicy policy) implements RetryPolicy {

		@Override
		public boolean shouldRetry(Throwable throwable) {
			return !SpringAiChatModelProvider.isCallingForAttempt() && this.policy.shouldRetry(throwable);
		}

		@Override
		public Duration getTimeout() {
			return this.policy.getTimeout();
		}

		@Override
		public BackOff getBackOff() {
			return this.policy.getBackOff();
		}

	}

}
