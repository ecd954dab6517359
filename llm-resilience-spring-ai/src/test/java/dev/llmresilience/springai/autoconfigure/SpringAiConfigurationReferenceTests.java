package dev.llmresilience.springai.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@code docs/spring-ai.md} has a table row for every property of the bridge's
 * configuration metadata and mentions none that the metadata lacks.
 */
class SpringAiConfigurationReferenceTests {

	private static final Path REFERENCE = Path.of("..", "docs", "spring-ai.md");

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final String PREFIX = "llm.resilience.spring-ai.";

	/** The first cell of a table row, a property name in backticks. */
	private static final Pattern ROW = Pattern.compile("^\\|\\s*`(llm\\.resilience\\.spring-ai\\.[^`]+)`\\s*\\|",
			Pattern.MULTILINE);

	/** A name of the bridge's in inline code anywhere on the page. */
	private static final Pattern MENTION = Pattern.compile("`(llm\\.resilience\\.spring-ai\\.[A-Za-z0-9.-]*)`");

	@Test
	void referenceNamesEveryPropertyOfTheBridgeAndNoOther() throws IOException {
		Set<String> properties = properties();
		String reference = Files.readString(REFERENCE);
		Set<String> documented = new TreeSet<>();
		Matcher rows = ROW.matcher(reference);
		while (rows.find()) {
			documented.add(rows.group(1));
		}
		Set<String> mentioned = new TreeSet<>();
		Matcher mentions = MENTION.matcher(reference);
		while (mentions.find()) {
			mentioned.add(mentions.group(1));
		}
		assertThat(properties).isNotEmpty();
		assertThat(documented).as("the property rows of %s", REFERENCE).isEqualTo(properties);
		assertThat(properties).as("the bridge's names that %s mentions", REFERENCE).containsAll(mentioned);
	}

	private Set<String> properties() throws IOException {
		Set<String> properties = new TreeSet<>();
		ObjectMapper mapper = new ObjectMapper();
		for (URL url : Collections.list(getClass().getClassLoader().getResources(METADATA))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : mapper.readTree(in).path("properties")) {
					String name = property.path("name").asText();
					if (name.startsWith(PREFIX)) {
						properties.add(name);
					}
				}
			}
		}
		return properties;
	}

}
