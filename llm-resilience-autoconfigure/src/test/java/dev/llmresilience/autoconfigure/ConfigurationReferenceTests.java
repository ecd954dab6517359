package dev.llmresilience.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the configuration reference, {@code docs/configuration.md}, names every
 * property of the generated configuration metadata and no {@code llm.resilience} property
 * that the metadata lacks. A map whose values are a nested class of
 * {@link LlmResilienceProperties} (the providers and models) is one property in the
 * metadata; its keys are read from the value class, and the reference must name each of
 * them after a map-key placeholder such as {@code <id>}.
 */
class ConfigurationReferenceTests {

	private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	/**
	 * A map key in a normalized name: the reference writes it as a word in angle
	 * brackets.
	 */
	private static final String KEY = "<*>";

	/** The first cell of a table row, a property name in backticks. */
	private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|", Pattern.MULTILINE);

	/** An llm.resilience name in inline code anywhere on the page. */
	private static final Pattern MENTION = Pattern.compile("`(llm\\.resilience\\.[A-Za-z0-9.<>*\\[\\]-]*)");

	@Test
	void referenceNamesEveryPropertyOfTheMetadataAndNoOther() throws IOException {
		Set<String> properties = properties();
		String reference = Files.readString(REFERENCE);
		Set<String> documented = new TreeSet<>();
		Matcher rows = ROW.matcher(reference);
		while (rows.find()) {
			documented.add(normalized(rows.group(1)));
		}
		Set<String> missing = new TreeSet<>(properties);
		missing.removeAll(documented);
		Set<String> stale = new TreeSet<>();
		Matcher mentions = MENTION.matcher(reference);
		while (mentions.find()) {
			String name = normalized(mentions.group(1));
			if (!properties.contains(name) && !isGroup(name, properties)) {
				stale.add(mentions.group(1));
			}
		}
		assertThat(missing.isEmpty() && stale.isEmpty())
			.withFailMessage(
					"%s is out of date.%nProperties it has no table row for (first column, in backticks):"
							+ "%n%s%nNames it mentions that no property has:%n%s",
					REFERENCE.normalize(), lines(missing), lines(stale))
			.isTrue();
	}

	@Test
	void readsTheKeysOfMapValuedGroupsFromTheirValueClass() throws IOException {
		assertThat(properties())
			.contains("llm.resilience.providers.<*>.base-url", "llm.resilience.providers.<*>.headers.<*>",
					"llm.resilience.models.<*>.extra-body.<*>", "llm.resilience.models.<*>.retry.max-attempts",
					"llm.resilience.models.<*>.circuit-breaker.record-rate-limits",
					"llm.resilience.models.<*>.deployments.<*>.provider", "llm.resilience.chains.<*>",
					"llm.resilience.retry.max-attempts", "management.health.llm.enabled")
			.doesNotContain("llm.resilience.providers", "llm.resilience.models", "llm.resilience.models.<*>.retry",
					"llm.resilience.models.<*>.deployments.<*>");
	}

	/**
	 * Return every property a user can set, from the metadata of this module, with map
	 * keys as {@value #KEY} and the maps of nested classes expanded into their keys.
	 */
	private Set<String> properties() throws IOException {
		Set<String> properties = new TreeSet<>();
		for (JsonNode property : metadata().path("properties")) {
			String name = property.path("name").asText();
			String type = property.path("type").asText();
			if (type.startsWith(Map.class.getName() + "<")) {
				Class<?> valueType = ClassUtils.resolveClassName(rawType(mapValueType(type)),
						getClass().getClassLoader());
				if (isPropertiesClass(valueType)) {
					addProperties(properties, name + "." + KEY, valueType);
				}
				else {
					properties.add(name + "." + KEY);
				}
			}
			else {
				properties.add(name);
			}
		}
		return properties;
	}

	/**
	 * Return the metadata that the configuration processor wrote for this module: of the
	 * metadata files on the class path, the one describing
	 * {@link LlmResilienceProperties}.
	 */
	private JsonNode metadata() throws IOException {
		ObjectMapper mapper = new ObjectMapper();
		for (URL url : Collections.list(getClass().getClassLoader().getResources(METADATA))) {
			try (InputStream in = url.openStream()) {
				JsonNode metadata = mapper.readTree(in);
				for (JsonNode group : metadata.path("groups")) {
					if (LlmResilienceProperties.class.getName().equals(group.path("type").asText())) {
						return metadata;
					}
				}
			}
		}
		throw new IllegalStateException("No " + METADATA + " describes " + LlmResilienceProperties.class.getName()
				+ "; is the configuration processor on the compiler's path?");
	}

	/**
	 * Add the properties a class binds under a prefix: Java-bean properties with a getter
	 * and a setter, those of nested classes, which bind through their getter alone, and
	 * the keys of maps whose values are nested classes (a model's deployments).
	 */
	private static void addProperties(Set<String> properties, String prefix, Class<?> type) {
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
				continue;
			}
			String name = prefix + "." + DataObjectPropertyName.toDashedForm(descriptor.getName());
			Class<?> propertyType = descriptor.getPropertyType();
			if (isPropertiesClass(propertyType)) {
				addProperties(properties, name, propertyType);
			}
			else if (descriptor.getWriteMethod() != null && Map.class.isAssignableFrom(propertyType)) {
				Class<?> valueType = ResolvableType.forMethodReturnType(descriptor.getReadMethod())
					.asMap()
					.resolveGeneric(1);
				if (valueType != null && isPropertiesClass(valueType)) {
					addProperties(properties, name + "." + KEY, valueType);
				}
				else {
					properties.add(name + "." + KEY);
				}
			}
			else if (descriptor.getWriteMethod() != null) {
				properties.add(name);
			}
		}
	}

	/**
	 * Return whether a type is a group of properties: a nested class of the properties
	 * class, other than an enum of values.
	 */
	private static boolean isPropertiesClass(Class<?> type) {
		for (Class<?> enclosing = type.getEnclosingClass(); enclosing != null; enclosing = enclosing
			.getEnclosingClass()) {
			if (enclosing == LlmResilienceProperties.class) {
				return !type.isEnum();
			}
		}
		return false;
	}

	/**
	 * Return the value type of a map type as the metadata writes it, such as
	 * {@code java.util.Map<java.lang.String,java.util.List<java.lang.String>>}.
	 */
	private static String mapValueType(String mapType) {
		int depth = 0;
		for (int i = 0; i < mapType.length(); i++) {
			char c = mapType.charAt(i);
			if (c == '<') {
				depth++;
			}
			else if (c == '>') {
				depth--;
			}
			else if (c == ',' && depth == 1) {
				return mapType.substring(i + 1, mapType.lastIndexOf('>')).trim();
			}
		}
		throw new IllegalArgumentException("Not a map type: " + mapType);
	}

	private static String rawType(String type) {
		int generics = type.indexOf('<');
		return (generics >= 0) ? type.substring(0, generics) : type;
	}

	/**
	 * Return a name as the reference writes it with every map key, {@code <id>} or
	 * {@code [gpt-4.1]}, as {@value #KEY}, and without a trailing {@code .*} or dot.
	 */
	private static String normalized(String name) {
		String normalized = name.replaceAll("<[^>]*>", KEY).replaceAll("\\[[^\\]]*\\]", "." + KEY);
		if (normalized.endsWith(".*")) {
			normalized = normalized.substring(0, normalized.length() - 2);
		}
		return normalized.endsWith(".") ? normalized.substring(0, normalized.length() - 1) : normalized;
	}

	private static String lines(Set<String> names) {
		return names.isEmpty() ? "  (none)" : "  " + String.join(System.lineSeparator() + "  ", names);
	}

	/**
	 * Return whether a name is a group of properties, such as
	 * {@code llm.resilience.retry}.
	 */
	private static boolean isGroup(String name, Set<String> properties) {
		return properties.stream().anyMatch((property) -> property.startsWith(name + "."));
	}

}
