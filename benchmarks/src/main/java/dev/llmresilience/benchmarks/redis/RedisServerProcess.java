package dev.llmresilience.benchmarks.redis;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} in a process of its own, on a free loopback port, with nothing
 * persisted ({@code --save "" --appendonly no}). Closing it ends the process.
 */
public final class RedisServerProcess implements AutoCloseable {

	/** The address it listens on. */
	public static final String HOST = "127.0.0.1";

	private static final String PROGRAM = "redis-server";

	private static final List<Path> USUAL_PLACES = List.of(Path.of("/usr/bin", PROGRAM),
			Path.of("/usr/local/bin", PROGRAM));

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

	private static final int START_ATTEMPTS = 3;

	private final Process process;

	private final int port;

	private RedisServerProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/**
	 * Find the {@code redis-server} program on the {@code PATH} or where Debian and a
	 * source build put it.
	 * @return the program, or empty if there is none
	 */
	public static Optional<Path> find() {
		List<Path> candidates = new ArrayList<>();
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				if (!directory.isEmpty()) {
					candidates.add(Path.of(directory, PROGRAM));
				}
			}
		}
		candidates.addAll(USUAL_PLACES);
		return candidates.stream().filter(Files::isExecutable).findFirst();
	}

	/**
	 * Start a server and wait until it answers {@code PING}. A port found free may be
	 * taken by another process before the server binds it: then it tries again on another
	 * port.
	 * @param program the {@code redis-server} program
	 * @return the running server
	 */
	public static RedisServerProcess start(Path program) {
		IllegalStateException failure = null;
		for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
			int port = freePort();
			List<String> command = List.of(program.toString(), "--port", Integer.toString(port), "--bind", HOST,
					"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning");
			Process process;
			try {
				process = new ProcessBuilder(command).redirectErrorStream(true).start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not start " + program, ex);
			}
			forwardOutput(process);
			RedisServerProcess server = new RedisServerProcess(process, port);
			try {
				server.awaitPong();
				return server;
			}
			catch (IllegalStateException ex) {
				server.close();
				failure = ex;
			}
		}
		throw failure;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free port", ex);
		}
	}

	private static void forwardOutput(Process process) {
		Thread reader = new Thread(() -> {
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = output.readLine()) != null) {
					System.err.println("[redis] " + line);
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		}, "redis-output");
		reader.setDaemon(true);
		reader.start();
	}

	private void awaitPong() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						"redis-server exited with status " + this.process.exitValue() + " before it answered");
			}
			if (answersPing()) {
				return;
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		throw new IllegalStateException("redis-server did not answer within " + START_TIMEOUT.toSeconds() + " s");
	}

	private boolean answersPing() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, this.port), 1000);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] answer = new byte[7];
			int read = 0;
			while (read < answer.length) {
				int count = in.read(answer, read, answer.length - read);
				if (count < 0) {
					break;
				}
				read += count;
			}
			return new String(answer, 0, read, StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Return the port it listens on, at {@link #HOST}.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the CPU time the server has used so far.
	 * @return the CPU time, or zero if the platform does not tell
	 */
	public Duration cpuTime() {
		return this.process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
	}

	/**
	 * Stop the server: {@code SIGTERM}, which it answers by exiting (with nothing to
	 * save), and {@code SIGKILL} if it has not within ten seconds.
	 */
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
