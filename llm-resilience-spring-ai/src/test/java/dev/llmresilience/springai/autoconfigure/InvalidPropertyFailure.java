package dev.llmresilience.springai.autoconfigure;

import dev.llmresilience.autoconfigure.InvalidLlmPropertyException;

import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the {@link InvalidLlmPropertyException} that failed a context's start-up, under
 * whatever Spring wrapped it in.
 */
final class InvalidPropertyFailure {

	private InvalidPropertyFailure() {
	}

	static InvalidLlmPropertyException of(Throwable startupFailure) {
		assertThat(startupFailure).isNotNull();
		Throwable root = NestedExceptionUtils.getMostSpecificCause(startupFailure);
		assertThat(root).isInstanceOf(InvalidLlmPropertyException.class);
		return (InvalidLlmPropertyException) root;
	}

}
