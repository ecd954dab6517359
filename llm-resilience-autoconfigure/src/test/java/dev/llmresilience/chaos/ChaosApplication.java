package dev.llmresilience.chaos;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application with the auto-configuration, started and closed by a test. Closing is
 * bounded: an application whose shutdown hangs (a request that never lets go of its queue
 * permit, say) fails the test instead of hanging the build, and no shutdown hook is left
 * to hang the JVM.
 */
final class ChaosApplication implements AutoCloseable {

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

	private final ConfigurableApplicationContext context;

	private ChaosApplication(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Start an application.
	 * @param source the {@code @SpringBootConfiguration} class
	 * @param web whether to run a web server, on a random port
	 * @param properties {@code name=value} pairs
	 * @return the running application
	 */
	static ChaosApplication start(Class<?> source, boolean web, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(source)
			.web(web ? WebApplicationType.REACTIVE : WebApplicationType.NONE)
			.registerShutdownHook(false)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
		return new ChaosApplication(context);
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	/**
	 * Return the port of the web server.
	 * @return the port
	 */
	int port() {
		return this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	/**
	 * Close the application, failing if that takes longer than half a minute.
	 */
	@Override
	public void close() {
		try {
			closeLater().get(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError("Closing the application took longer than " + CLOSE_TIMEOUT);
		}
		catch (ExecutionException ex) {
			throw new AssertionError("Closing the application failed", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while closing the application", ex);
		}
	}

	/**
	 * Close the application in the background.
	 * @return completes when the application is closed
	 */
	CompletableFuture<Void> closeLater() {
		return CompletableFuture.runAsync(this.context::close, (task) -> newDaemon(task).start());
	}

	private static Thread newDaemon(Runnable task) {
		Thread thread = new Thread(task, "chaos-application-close");
		thread.setDaemon(true);
		return thread;
	}

}
