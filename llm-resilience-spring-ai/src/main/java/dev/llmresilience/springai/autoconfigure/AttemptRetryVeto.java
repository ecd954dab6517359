package dev.llmresilience.springai.autoconfigure;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmresilience.springai.provider.SpringAiChatModelProvider;

import org.springframework.ai.retry.RetryUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.retry.RetryCallback;
import org.springframework.retry.RetryContext;
import org.springframework.retry.RetryListener;
import org.springframework.retry.support.RetryTemplate;

/**
 * Ends Spring AI's retry of a chat model call at its first failure when the call is made
 * for an attempt of the pipeline, so that only the pipeline retries and its circuit
 * breaker sees every failure; the same model's other calls keep Spring AI's retry.
 * <p>
 * Spring AI 1.1's models retry inside {@code call()} with a Spring Retry
 * {@link RetryTemplate}: the auto-configured bean, or {@link RetryUtils}' default for a
 * model built without one. This listener is registered with every {@link RetryTemplate}
 * bean and with that default, and marks the retry exhausted when the failing call runs
 * {@link SpringAiChatModelProvider#isCallingForAttempt() for an attempt}; the template
 * then throws the call's own exception without backing off. A model built with a template
 * that is neither is not covered: it should get a template of one attempt.
 */
final class AttemptRetryVeto implements RetryListener, BeanPostProcessor {

	/** The retry template this veto is for, which its configuration needs. */
	static final String RETRY_TEMPLATE = "org.springframework.retry.support.RetryTemplate";

	private static final AttemptRetryVeto INSTANCE = new AttemptRetryVeto();

	private static final AtomicBoolean onDefaultTemplate = new AtomicBoolean();

	private AttemptRetryVeto() {
	}

	/**
	 * Return the veto, registered with {@link RetryUtils#DEFAULT_RETRY_TEMPLATE} once per
	 * class loader: that template is shared by every model built without one of its own.
	 */
	static AttemptRetryVeto registered() {
		if (onDefaultTemplate.compareAndSet(false, true)) {
			RetryUtils.DEFAULT_RETRY_TEMPLATE.registerListener(INSTANCE);
		}
		return INSTANCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof RetryTemplate template) {
			template.registerListener(this);
		}
		return bean;
	}

	@Override
	public <T, E extends Throwable> void onError(RetryContext context, RetryCallback<T, E> callback,
			Throwable throwable) {
		if (SpringAiChatModelProvider.isCallingForAttempt()) {
			context.setExhaustedOnly();
		}
	}

}
