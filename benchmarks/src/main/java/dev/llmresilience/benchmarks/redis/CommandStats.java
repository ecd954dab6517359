package dev.llmresilience.benchmarks.redis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The commands a Redis server has executed, by name, as {@code INFO commandstats} tells
 * them: how many, and the time the server spent executing them (not reading, parsing nor
 * answering).
 *
 * @param calls the calls by command name, in lower case
 * @param micros the execution time by command name, in microseconds
 */
public record CommandStats(Map<String, Long> calls, Map<String, Long> micros) {

	/**
	 * The commands a shared budget sends: Bucket4j's compare-and-swap reads, then writes
	 * by script.
	 */
	private static final Set<String> BUDGET_COMMANDS = Set.of("get", "eval", "evalsha");

	private static final String PREFIX = "cmdstat_";

	public CommandStats {
		calls = Map.copyOf(calls);
		micros = Map.copyOf(micros);
	}

	/**
	 * Read the answer to {@code INFO commandstats}, lines such as
	 * {@code cmdstat_get:calls=21,usec=175,usec_per_call=8.33,rejected_calls=0,failed_calls=0}.
	 * @param info the answer
	 * @return the statistics
	 */
	public static CommandStats parse(String info) {
		Map<String, Long> calls = new LinkedHashMap<>();
		Map<String, Long> micros = new LinkedHashMap<>();
		for (String line : info.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (!line.startsWith(PREFIX) || colon < 0) {
				continue;
			}
			String command = line.substring(PREFIX.length(), colon).toLowerCase();
			for (String field : line.substring(colon + 1).split(",")) {
				int equals = field.indexOf('=');
				if (equals > 0) {
					String name = field.substring(0, equals);
					if (name.equals("calls")) {
						calls.put(command, Long.parseLong(field.substring(equals + 1)));
					}
					else if (name.equals("usec")) {
						micros.put(command, Long.parseLong(field.substring(equals + 1)));
					}
				}
			}
		}
		return new CommandStats(calls, micros);
	}

	/**
	 * Return what was executed since earlier statistics of the same server.
	 * @param earlier the earlier statistics
	 * @return the difference
	 */
	public CommandStats since(CommandStats earlier) {
		return new CommandStats(minus(this.calls, earlier.calls), minus(this.micros, earlier.micros));
	}

	private static Map<String, Long> minus(Map<String, Long> later, Map<String, Long> earlier) {
		Map<String, Long> difference = new LinkedHashMap<>();
		later.forEach((command, count) -> difference.put(command, count - earlier.getOrDefault(command, 0L)));
		return difference;
	}

	/**
	 * Return the calls of one command.
	 * @param command its name, in lower case
	 * @return the calls
	 */
	public long calls(String command) {
		return this.calls.getOrDefault(command, 0L);
	}

	/**
	 * Return the calls of every command but {@code INFO}, which is how these statistics
	 * are read.
	 * @return the calls
	 */
	public long callsButInfo() {
		return this.calls.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().equals("info"))
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

	/**
	 * Return the calls that shared budgets make: {@code GET}, {@code EVAL} and
	 * {@code EVALSHA}.
	 * @return the calls
	 */
	public long budgetCalls() {
		return BUDGET_COMMANDS.stream().mapToLong(this::calls).sum();
	}

	/**
	 * Return the scripts run, {@code EVAL} and {@code EVALSHA}: one per compare-and-swap
	 * attempt.
	 * @return the calls
	 */
	public long scriptCalls() {
		return calls("eval") + calls("evalsha");
	}

	/**
	 * Return the time the server spent executing every command but {@code INFO}.
	 * @return the time in microseconds
	 */
	public long microsButInfo() {
		return this.micros.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().equals("info"))
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

}
