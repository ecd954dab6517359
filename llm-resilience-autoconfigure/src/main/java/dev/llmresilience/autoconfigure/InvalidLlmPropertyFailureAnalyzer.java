package dev.llmresilience.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link InvalidLlmPropertyException} at start-up with the property and the fix.
 */
class InvalidLlmPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLlmPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidLlmPropertyException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
