package dev.llmresilience.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's load average, to show in the report whether other work shared the cores.
 */
final class LoadAverage {

	private LoadAverage() {
	}

	/**
	 * Return the 1, 5 and 15 minute load averages, as Linux tells them.
	 * @return such as {@code 1.02 0.87 0.55}, or {@code unknown}
	 */
	static String now() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException | ArrayIndexOutOfBoundsException ex) {
			return "unknown";
		}
	}

}
