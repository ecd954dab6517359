package dev.llmresilience.test;

import java.time.Duration;
import java.util.function.Function;

/**
 * Reads the script of a {@link FakeProviderServer} run from the command line:
 * {@code --latency-ms=<ms>}, {@code --chunks=<count>}, {@code --chunk-interval-ms=<ms>},
 * {@code --text=<text>} and {@code --input-tokens=<count>} for every model, and
 * {@code --fault=<model>:<share>:<status>} (a share of the model's requests answered with
 * the status and the provider's error body) and {@code --slow=<model>:<share>:<ms>} (a
 * share answered properly, that much later) for one.
 */
final class FakeProviderArguments {

	private FakeProviderArguments() {
	}

	/**
	 * Apply arguments to scripts.
	 * @param args the arguments
	 * @param defaults the script of every model
	 * @param models gives the script of one model
	 * @throws IllegalArgumentException for an argument it does not know
	 */
	static void apply(String[] args, ModelScript defaults, Function<String, ModelScript> models) {
		for (String arg : args) {
			int equals = arg.indexOf('=');
			String name = (equals >= 0) ? arg.substring(0, equals) : arg;
			String value = arg.substring(equals + 1);
			switch (name) {
				case "--latency-ms" -> defaults.latency(Duration.ofMillis(Long.parseLong(value)));
				case "--chunks" -> defaults.chunks(Integer.parseInt(value));
				case "--chunk-interval-ms" -> defaults.chunkInterval(Duration.ofMillis(Long.parseLong(value)));
				case "--text" -> defaults.text(value);
				case "--input-tokens" -> defaults.inputTokens(Integer.parseInt(value));
				case "--fault" -> {
					String[] parts = value.split(":");
					models.apply(parts[0])
						.fault(Double.parseDouble(parts[1]), FakeReply.error(Integer.parseInt(parts[2])));
				}
				case "--slow" -> {
					String[] parts = value.split(":");
					models.apply(parts[0])
						.fault(Double.parseDouble(parts[1]),
								FakeReply.answer().after(Duration.ofMillis(Long.parseLong(parts[2]))));
				}
				default -> throw new IllegalArgumentException("Unknown argument of the fake provider: " + arg);
			}
		}
	}

}
