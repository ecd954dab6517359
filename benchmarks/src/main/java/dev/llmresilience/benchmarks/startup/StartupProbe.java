package dev.llmresilience.benchmarks.startup;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.benchmarks.clients.TemplateProperties;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts one application, in a JVM of its own, and prints how long its start took: the
 * same application (auto-configuration only, with Actuator, Micrometer and WebClient on
 * the class path) configured with two providers, three models and a chain, with the
 * starter's auto-configurations, or with those of this library, or of this library and
 * resilience4j, excluded. With them, it also prints the slowest bean creations of this
 * library's beans.
 */
public final class StartupProbe {

	/** The line that carries the start's duration in milliseconds. */
	static final String RESULT_PREFIX = "startup-ms=";

	/** A line that names one of the slowest bean creations: name and milliseconds. */
	static final String BEAN_PREFIX = "bean=";

	private static final String IMPORTS = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";

	private StartupProbe() {
	}

	/**
	 * Start the application once and exit.
	 * @param args the variant's name: {@code all}, {@code without-llm} or
	 * {@code without-llm-and-resilience4j}
	 * @throws IOException if the auto-configuration lists cannot be read
	 */
	public static void main(String[] args) throws IOException {
		String variant = args[0];
		Map<String, Object> properties = new LinkedHashMap<>(
				TemplateProperties.singleModel(URI.create("http://127.0.0.1:9"))
					.openAiProvider("local", URI.create("http://127.0.0.1:9"))
					.model("fast", "stub", "claude-fast")
					.model("llama", "local", "llama-3")
					.chain("default", "primary", "fast", "llama")
					.toMap());
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "warn");
		List<String> excluded = switch (variant) {
			// the starter alone: an application without the Spring AI bridge
			case "all" -> autoConfigurations("dev.llmresilience.springai.");
			case "without-llm" -> autoConfigurations("dev.llmresilience.");
			case "without-llm-and-resilience4j" -> {
				List<String> both = new ArrayList<>(autoConfigurations("dev.llmresilience."));
				both.addAll(autoConfigurations("io.github.resilience4j."));
				yield both;
			}
			default -> throw new IllegalArgumentException("Unknown variant " + variant);
		};
		properties.put("spring.autoconfigure.exclude", String.join(",", excluded));
		BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
		long start = System.nanoTime();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ProbeApplication.class)
			.web(WebApplicationType.NONE)
			.applicationStartup(startup)
			.properties(properties)
			.run();
		long elapsed = System.nanoTime() - start;
		System.out.println(RESULT_PREFIX + Duration.ofNanos(elapsed).toMillis());
		slowestLlmBeans(startup.getBufferedTimeline())
			.forEach((name, millis) -> System.out.println(BEAN_PREFIX + name + "=" + millis));
		context.close();
		System.exit(0);
	}

	/**
	 * Return the auto-configurations listed on the class path whose class name starts
	 * with a prefix.
	 */
	private static List<String> autoConfigurations(String prefix) throws IOException {
		List<String> found = new ArrayList<>();
		for (URL url : Collections.list(StartupProbe.class.getClassLoader().getResources(IMPORTS))) {
			try (InputStream in = url.openStream()) {
				for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
					String name = line.trim();
					if (name.startsWith(prefix)) {
						found.add(name);
					}
				}
			}
		}
		return found;
	}

	/**
	 * Return the five slowest creations of beans named {@code llm...}, with their time of
	 * their own (dependencies created inside them included).
	 */
	private static Map<String, Long> slowestLlmBeans(StartupTimeline timeline) {
		Map<String, Long> slowest = new LinkedHashMap<>();
		timeline.getEvents()
			.stream()
			.filter((event) -> event.getStartupStep().getName().equals("spring.beans.instantiate"))
			.filter((event) -> beanName(event).startsWith("llm"))
			.sorted(Comparator.comparing(StartupTimeline.TimelineEvent::getDuration).reversed())
			.limit(5)
			.forEach((event) -> slowest.put(beanName(event), event.getDuration().toMillis()));
		return slowest;
	}

	private static String beanName(StartupTimeline.TimelineEvent event) {
		for (var tag : event.getStartupStep().getTags()) {
			if (tag.getKey().equals("beanName")) {
				return tag.getValue();
			}
		}
		return "";
	}

	/**
	 * The application: auto-configuration only.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ProbeApplication {

	}

}
