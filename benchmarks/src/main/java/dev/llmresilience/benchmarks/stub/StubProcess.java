package dev.llmresilience.benchmarks.stub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.test.FakeProviderServer;

/**
 * The stub: a {@link FakeProviderServer} (the fake provider of the shared test fixtures)
 * in a process of its own, started with the harness's java and class path and scripted by
 * {@link StubSettings}. It counts calls by model and status ({@code GET /stats}) and runs
 * until its standard input closes; closing this ends the process.
 */
public final class StubProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final Process process;

	private final URI baseUrl;

	private final HttpClient httpClient = HttpClient.newHttpClient();

	private final ObjectMapper objectMapper = new ObjectMapper();

	private StubProcess(Process process, int port) {
		this.process = process;
		this.baseUrl = URI.create("http://127.0.0.1:" + port);
	}

	/**
	 * Start a stub and wait until it listens.
	 * @param settings how it answers
	 * @return the running stub
	 */
	public static StubProcess start(StubSettings settings) {
		String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
		List<String> command = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx1g",
				// one collector thread: the stub must leave the CPU to the client
				// measured
				"-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), FakeProviderServer.class.getName()));
		command.addAll(settings.toArgs());
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			return new StubProcess(process, awaitPort(process));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the stub", ex);
		}
	}

	private static int awaitPort(Process process) {
		BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		CompletableFuture<Integer> port = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try {
				String line;
				while ((line = output.readLine()) != null) {
					if (line.startsWith(FakeProviderServer.PORT_LINE_PREFIX)) {
						port.complete(Integer.parseInt(line.substring(FakeProviderServer.PORT_LINE_PREFIX.length())));
					}
					else {
						System.err.println("[stub] " + line);
					}
				}
				port.completeExceptionally(new IllegalStateException("The stub exited before it listened"));
			}
			catch (IOException ex) {
				port.completeExceptionally(ex);
			}
		}, "stub-output");
		reader.setDaemon(true);
		reader.start();
		try {
			return port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			process.destroyForcibly();
			throw new IllegalStateException("The stub did not start", ex);
		}
	}

	/**
	 * Return the root URL of the stub, such as {@code http://127.0.0.1:41234}.
	 * @return the URL
	 */
	public URI baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Return the stub's process id, for another process to watch its CPU time.
	 * @return the process id
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Return the CPU time the stub process has used so far.
	 * @return the CPU time, or zero if the platform does not tell
	 */
	public Duration cpuTime() {
		return this.process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
	}

	/**
	 * Return what the stub served since it started or was last reset.
	 * @return the traffic
	 */
	public StubTraffic traffic() {
		try {
			HttpResponse<String> response = this.httpClient.send(
					HttpRequest.newBuilder(this.baseUrl.resolve("/stats")).build(),
					HttpResponse.BodyHandlers.ofString());
			return this.objectMapper.readValue(response.body(), StubTraffic.class);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Forget the traffic served so far.
	 */
	public void resetTraffic() {
		try {
			this.httpClient.send(HttpRequest.newBuilder(this.baseUrl.resolve("/stats/reset"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.discarding());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
