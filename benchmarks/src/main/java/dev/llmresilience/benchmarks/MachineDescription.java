package dev.llmresilience.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.llmresilience.benchmarks.report.ArtifactVersion;
import dev.llmresilience.benchmarks.report.Figures;
import dev.llmresilience.benchmarks.report.MarkdownTable;
import dev.llmresilience.benchmarks.report.Report;

import org.springframework.boot.SpringBootVersion;

/**
 * Describes the machine and JVM the figures come from, at the top of the report.
 */
final class MachineDescription {

	void write(Report report, boolean quick) {
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		report.section("Machine");
		if (quick) {
			report.paragraph("**Quick run (--quick): runs are five times shorter; do not quote these figures.**");
		}
		report.table(new MarkdownTable("what", "value").row("date", Instant.now().truncatedTo(ChronoUnit.SECONDS))
			.row("cores", Runtime.getRuntime().availableProcessors())
			.row("memory", Figures.bytes(os.getTotalMemorySize()))
			.row("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
			.row("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
			.row("client JVM",
					"max heap " + Figures.bytes(Runtime.getRuntime().maxMemory()) + ", "
							+ ManagementFactory.getRuntimeMXBean().getInputArguments())
			.row("open files limit", openFilesLimit())
			.row("llm-resilience", ArtifactVersion.of("dev.llmresilience", "llm-resilience-autoconfigure"))
			.row("Spring Boot", SpringBootVersion.getVersion())
			.row("load average at start (1, 5, 15 min)", LoadAverage.now()));
	}

	private static String openFilesLimit() {
		try {
			return Files.readAllLines(Path.of("/proc/self/limits"))
				.stream()
				.filter((line) -> line.startsWith("Max open files"))
				.map((line) -> line.replaceAll("\\s+", " ").replace("Max open files ", ""))
				.findFirst()
				.orElse("unknown");
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

}
