package dev.llmresilience.autoconfigure;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;
import org.springframework.lang.Nullable;

/**
 * Reports an {@link InvalidLlmPropertyException} at start-up with the property, where it
 * was set (file and line, or the environment variable or system property), and the fix. A
 * property that is missing has no origin of its own: the report then names where its
 * group was set, such as the model whose provider is missing. Values are never shown, so
 * no secret reaches the report.
 */
class InvalidLlmPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLlmPropertyException> {

	private final Environment environment;

	InvalidLlmPropertyFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidLlmPropertyException cause) {
		return new FailureAnalysis(cause.getMessage() + origin(cause.getProperty()), cause.getAction(), cause);
	}

	private String origin(String property) {
		if (!ConfigurationPropertyName.isValid(property)) {
			return "";
		}
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		Origin origin = originOf(name);
		if (origin != null) {
			return "\n\nOrigin: " + origin;
		}
		for (ConfigurationPropertyName group = name.getParent(); !group.isEmpty(); group = group.getParent()) {
			Origin near = originWithin(group);
			if (near != null) {
				return "\n\nOrigin: " + near + " (where " + group + " is set)";
			}
		}
		return "";
	}

	@Nullable
	private Origin originOf(ConfigurationPropertyName name) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (property != null && property.getOrigin() != null) {
				return property.getOrigin();
			}
		}
		return null;
	}

	@Nullable
	private Origin originWithin(ConfigurationPropertyName group) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				ConfigurationPropertyName first = iterable.filter(group::isAncestorOf)
					.stream()
					.findFirst()
					.orElse(null);
				Origin origin = (first != null) ? originOf(first) : null;
				if (origin != null) {
					return origin;
				}
			}
		}
		return null;
	}

}
