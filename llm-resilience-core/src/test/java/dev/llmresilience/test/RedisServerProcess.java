package dev.llmresilience.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real Redis server ({@code redis-server}, Debian's package, which {@code .ci/run}
 * installs) on loopback and a free port, without persistence, that a test can stop and
 * start again on the same port. Without the program, tests are skipped, except on CI,
 * where they fail.
 */
public final class RedisServerProcess implements AutoCloseable {

	private static final String PROGRAM = "redis-server";

	private final int port;

	private final List<String> options;

	private Process process;

	private RedisServerProcess(int port, List<String> options) {
		this.port = port;
		this.options = options;
	}

	/**
	 * Start a server on a free port.
	 * @param options more options of {@code redis-server}, such as {@code --requirepass}
	 * @return the running server
	 */
	public static RedisServerProcess start(String... options) {
		boolean installed = List.of(System.getenv("PATH").split(File.pathSeparator))
			.stream()
			.anyMatch((dir) -> new File(dir, PROGRAM).canExecute());
		if (!installed && System.getenv("CI") == null) {
			Assumptions.abort(PROGRAM + " is not installed (apt-get install redis-server)");
		}
		RedisServerProcess server = new RedisServerProcess(freePort(), List.of(options));
		server.restart();
		return server;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	/**
	 * Start the server again after {@link #stop()}, empty, on the same port.
	 */
	public void restart() {
		try {
			List<String> command = new ArrayList<>(List.of(PROGRAM, "--port", String.valueOf(this.port), "--bind",
					"127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"));
			command.addAll(this.options);
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + PROGRAM, ex);
		}
		awaitListening();
	}

	private void awaitListening() {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				return;
			}
			catch (IOException ex) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(PROGRAM + " exited with " + this.process.exitValue());
				}
				pause();
			}
		}
		throw new IllegalStateException(PROGRAM + " did not listen on port " + this.port + " within 10s");
	}

	private static void pause() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Stop the server at once, as a crash would.
	 */
	public void stop() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Freeze the server ({@code SIGSTOP}): its connections stay open and it accepts new
	 * ones, but answers nothing, as a server that hangs. {@link #thaw()} thaws it.
	 */
	public void freeze() {
		signal("STOP");
	}

	/**
	 * Thaw the server after {@link #freeze()} ({@code SIGCONT}): it answers what it was
	 * sent meanwhile.
	 */
	public void thaw() {
		signal("CONT");
	}

	private void signal(String name) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(this.process.pid()))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("Could not send SIG" + name + " to " + PROGRAM);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run kill", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		stop();
	}

}
