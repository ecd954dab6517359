package dev.llmresilience.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when at least one provider is configured under
 * {@code llm.resilience.providers}, so that adding the starter to an application without
 * configuration changes nothing.
 */
class OnLlmProvidersCondition extends SpringBootCondition {

	private static final Bindable<Map<String, Object>> MAP = Bindable.mapOf(String.class, Object.class);

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		boolean configured = Binder.get(context.getEnvironment())
			.bind("llm.resilience.providers", MAP)
			.map((providers) -> !providers.isEmpty())
			.orElse(false);
		return configured ? ConditionOutcome.match("llm.resilience.providers are configured")
				: ConditionOutcome.noMatch("no llm.resilience.providers are configured");
	}

}
