package dev.llmresilience.benchmarks.scenarios;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

import dev.llmresilience.benchmarks.clients.AnswerCheck;
import dev.llmresilience.benchmarks.clients.LlmClientUnderTest;
import dev.llmresilience.benchmarks.clients.RawWebClient;
import dev.llmresilience.benchmarks.clients.TemplateClient;
import dev.llmresilience.benchmarks.clients.TemplateContext;
import dev.llmresilience.benchmarks.clients.TemplateProperties;
import dev.llmresilience.benchmarks.load.ClosedLoopLoad;
import dev.llmresilience.benchmarks.load.Contestant;
import dev.llmresilience.benchmarks.load.InJvmContestant;
import dev.llmresilience.benchmarks.load.JitWarmUp;
import dev.llmresilience.benchmarks.load.LoadResult;
import dev.llmresilience.benchmarks.load.Operation;
import dev.llmresilience.benchmarks.load.ResourceMeter;
import dev.llmresilience.benchmarks.load.ResourceUsage;
import dev.llmresilience.benchmarks.stub.StubProcess;
import org.HdrHistogram.Histogram;

/**
 * One client of the overhead benchmark in a JVM of its own, with its own Boot context,
 * driven line by line over the JVM's standard input and output: so that its JIT profiles,
 * heap and threads are its alone, as in an application that uses only that client. The
 * JVM measures its own rounds (its process CPU time and allocation, the stub's CPU time
 * by process id) and sends them back; it ends when its standard input closes.
 * {@link #main(String[])} is that JVM's side.
 */
public final class ClientJvm implements Contestant, AutoCloseable {

	private static final String READY = "ready ";

	private static final String OK = "ok";

	private static final String PROBLEM = "problem ";

	private static final String NO_ERROR = "-";

	private final Process process;

	private final BufferedReader answers;

	private final PrintStream commands;

	private final String name;

	private ClientJvm(Process process, BufferedReader answers, String name) {
		this.process = process;
		this.answers = answers;
		this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
		this.name = name;
	}

	/**
	 * Start a JVM with a client, with this JVM's java, class path and options (less a
	 * flight recording or an agent), and wait until its context has started.
	 * @param kind the client
	 * @param stub the stub it calls
	 * @return the running JVM
	 */
	static ClientJvm start(Kind kind, StubProcess stub) {
		String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
		List<String> command = new ArrayList<>(List.of(java));
		ManagementFactory.getRuntimeMXBean()
			.getInputArguments()
			.stream()
			.filter((option) -> !option.contains("FlightRecord") && !option.startsWith("-agent")
					&& !option.startsWith("-javaagent"))
			.forEach(command::add);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClientJvm.class.getName(), kind.name(),
				stub.baseUrl().toString(), Long.toString(stub.pid())));
		try {
			Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
			BufferedReader answers = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			String ready = answers.readLine();
			if (ready == null || !ready.startsWith(READY)) {
				process.destroyForcibly();
				throw new IllegalStateException("The " + kind + " client JVM did not start: " + ready);
			}
			return new ClientJvm(process, answers, ready.substring(READY.length()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the " + kind + " client JVM", ex);
		}
	}

	@Override
	public String name() {
		return this.name;
	}

	/**
	 * Check that the client reads the stub's answer with every operation.
	 * @param chunks the chunks the stub answers with
	 * @return {@code null} if it does, else what went wrong
	 */
	String problem(int chunks) {
		String answer = ask("check " + chunks);
		return answer.equals(OK) ? null : answer.substring(PROBLEM.length());
	}

	/**
	 * Warm the JIT up until it settles.
	 * @param concurrencies the concurrencies of a pass
	 * @param each how long each operation runs at each concurrency in a pass
	 * @param maxPasses the most passes
	 * @return how the warm-up went
	 */
	JitWarmUp warmUpUntilCompiled(int[] concurrencies, Duration each, int maxPasses) {
		String[] answer = ask("jit " + each.toMillis() + " " + maxPasses + " "
				+ String.join(",", Arrays.stream(concurrencies).mapToObj(Integer::toString).toList()))
			.split(" ");
		return new JitWarmUp(Integer.parseInt(answer[0]), Duration.ofMillis(Long.parseLong(answer[1])),
				Duration.ofMillis(Long.parseLong(answer[2])));
	}

	@Override
	public void warmUp(Operation operation, int concurrency, Duration duration) {
		ask("warm " + operation + " " + concurrency + " " + duration.toMillis());
	}

	@Override
	public Round measure(Operation operation, int concurrency, Duration duration) {
		return decode(ask("measure " + operation + " " + concurrency + " " + duration.toMillis()));
	}

	private String ask(String command) {
		this.commands.println(command);
		try {
			String answer = this.answers.readLine();
			if (answer == null) {
				throw new IllegalStateException("The JVM of " + this.name + " ended");
			}
			return answer;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.commands.close();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	/**
	 * The client JVM's side: start the context and the client, then answer commands.
	 * @param args the client's kind, the stub's URL and the stub's process id
	 * @throws IOException if standard input cannot be read
	 */
	public static void main(String[] args) throws IOException {
		PrintStream protocol = System.out;
		// Spring Boot logs to standard output: keep it for the answers alone.
		System.setOut(System.err);
		Kind kind = Kind.valueOf(args[0]);
		URI stub = URI.create(args[1]);
		ProcessHandle stubProcess = ProcessHandle.of(Long.parseLong(args[2]))
			.orElseThrow(() -> new IllegalStateException("No stub process " + args[2]));
		try (TemplateContext application = TemplateContext.start(TemplateProperties.singleModel(stub).toMap())) {
			LlmClientUnderTest client = kind.client(application, stub);
			ClosedLoopLoad load = new ClosedLoopLoad();
			InJvmContestant contestant = new InJvmContestant(client, load,
					new ResourceMeter(() -> stubProcess.info().totalCpuDuration().orElse(Duration.ZERO).toNanos()));
			protocol.println(READY + client.name());
			protocol.flush();
			BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			String line;
			while ((line = input.readLine()) != null) {
				protocol.println(answer(line.split(" "), client, contestant));
				protocol.flush();
			}
		}
		// Reactor Netty's non-daemon threads would keep the JVM alive.
		System.exit(0);
	}

	private static String answer(String[] command, LlmClientUnderTest client, Contestant contestant) {
		switch (command[0]) {
			case "check":
				Throwable problem = AnswerCheck.problemOfAny(client, Integer.parseInt(command[1]));
				return (problem != null) ? PROBLEM + problem.toString().replace('\n', ' ') : OK;
			case "jit":
				int[] concurrencies = Arrays.stream(command[3].split(",")).mapToInt(Integer::parseInt).toArray();
				JitWarmUp jit = OverheadBenchmark.warmUpUntilCompiled(List.of(contestant), concurrencies,
						Duration.ofMillis(Long.parseLong(command[1])), Integer.parseInt(command[2]));
				return jit.passes() + " " + jit.compiled().toMillis() + " " + jit.lastPass().toMillis();
			case "warm":
				contestant.warmUp(Operation.valueOf(command[1]), Integer.parseInt(command[2]),
						Duration.ofMillis(Long.parseLong(command[3])));
				return OK;
			case "measure":
				return encode(contestant.measure(Operation.valueOf(command[1]), Integer.parseInt(command[2]),
						Duration.ofMillis(Long.parseLong(command[3]))));
			default:
				throw new IllegalArgumentException("Unknown command " + String.join(" ", command));
		}
	}

	private static String encode(Round round) {
		LoadResult result = round.result();
		ResourceUsage usage = round.usage();
		String error = (result.firstError() != null)
				? Base64.getEncoder().encodeToString(result.firstError().toString().getBytes(StandardCharsets.UTF_8))
				: NO_ERROR;
		return String.join(" ", Long.toString(result.completed()), Long.toString(result.failed()),
				Long.toString(result.elapsedNanos()), encode(result.latency()), encode(result.firstElement()), error,
				Long.toString(usage.cpuNanos()), Long.toString(usage.allocatedBytes()),
				Integer.toString(usage.threadsLost()), Long.toString(usage.gcCount()), Long.toString(usage.gcMillis()),
				Long.toString(usage.otherCpuNanos()));
	}

	private static String encode(Histogram histogram) {
		ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
		int length = histogram.encodeIntoCompressedByteBuffer(buffer);
		return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
	}

	private static Round decode(String line) {
		String[] field = line.split(" ");
		Throwable error = field[5].equals(NO_ERROR) ? null
				: new ReportedError(new String(Base64.getDecoder().decode(field[5]), StandardCharsets.UTF_8));
		LoadResult result = new LoadResult(Long.parseLong(field[0]), Long.parseLong(field[1]), Long.parseLong(field[2]),
				histogram(field[3]), histogram(field[4]), error);
		ResourceUsage usage = new ResourceUsage(Long.parseLong(field[6]), Long.parseLong(field[7]),
				Integer.parseInt(field[8]), Long.parseLong(field[9]), Long.parseLong(field[10]),
				Long.parseLong(field[11]));
		return new Round(result, usage);
	}

	private static Histogram histogram(String encoded) {
		try {
			return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
		}
		catch (DataFormatException ex) {
			throw new IllegalStateException("A client JVM sent a histogram that does not decode", ex);
		}
	}

	/**
	 * The clients a JVM can run.
	 */
	enum Kind {

		/** Boot's {@code WebClient} with the JSON built and decoded per request. */
		RAW,

		/** The auto-configured {@code LlmTemplate}. */
		TEMPLATE;

		LlmClientUnderTest client(TemplateContext application, URI stub) {
			return (this == RAW) ? new RawWebClient(application.webClientBuilder(), stub, application.objectMapper())
					: new TemplateClient(application.template());
		}

	}

	/**
	 * The first error of a round in a client JVM, as that JVM described it.
	 */
	private static final class ReportedError extends Exception {

		ReportedError(String description) {
			super(description, null, false, false);
		}

		@Override
		public String toString() {
			return getMessage();
		}

	}

}
